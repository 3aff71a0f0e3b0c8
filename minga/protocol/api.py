"""API of the violence-prevention protocol. Reports (anonymous ones without a token),
receipts (in the body, never the URL), cases opened for their officers only, with a token
issued against the officer's password (`POST /auth/token`): a token made without it
(`minga createtoken`) reads no contents. Answers carry `Cache-Control: no-store`."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import base64
import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.permissions import Action, can
from minga.protocol import actions, queries
from minga.protocol.access import (
    Locked,
    TooManyAttempts,
    case_by_receipt,
    case_key_for,
    check_attempts,
    count_attempt,
    get_case_for,
)
from minga.protocol.models import Case, CaseKind, CaseState, OfficerKey

router = Router(tags=["protocol"])

LOCKED = (
    "Your key is locked: ask for a token with your password (POST /api/v1/auth/token) "
    "and send it as the Bearer token."
)


def _no_store(response: HttpResponse) -> None:
    add_never_cache_headers(response)


def _signed_in(request: HttpRequest) -> Any:
    """The caller, by bearer token, or None: reports may come without one. A browser's
    session is not used here (this endpoint takes no CSRF token)."""
    from minga.api import BearerToken

    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw:
        user = BearerToken().authenticate(request, raw.strip())
        if user is None:
            raise HttpError(401, "Unauthorized")
        return user
    return None


class ReportIn(Schema):
    account: str
    anonymous: bool = False
    contact_email: str | None = None
    kind: Literal[tuple(CaseKind.values)] = "other"  # type: ignore[valid-type]


class ReportOut(Schema):
    id: int
    receipt: str | None = None


@router.post(
    "/networks/{slug}/protocol/reports",
    auth=None,
    response={
        201: ReportOut,
        401: dict[str, str],
        403: dict[str, str],
        404: dict[str, str],
        429: dict[str, str],
    },
)
def report(request: HttpRequest, slug: str, payload: ReportIn, response: HttpResponse) -> Any:
    """File a report. Anonymous ones work without a token when the network's coordinators
    have opened the public channel; `receipt` (shown once) only for those."""
    _no_store(response)
    user = _signed_in(request)
    if user is None and not payload.anonymous:
        return Status(401, {"detail": "Sign in, or report anonymously."})
    if user is not None:
        network = get_network_for(user, slug, Action.REPORT)
    else:
        from minga.core.models import Network

        network = Network.objects.filter(slug=slug).first()  # type: ignore[assignment]
        if network is None:
            return Status(404, {"detail": "No such network."})
    try:
        check_attempts(request, "report")  # each report costs a slow derivation
    except TooManyAttempts as exc:
        raise HttpError(429, "Too many reports from here; wait a few minutes.") from exc
    count_attempt(request, "report")
    try:
        case, receipt = actions.report(
            network=network,
            reporter=user,
            kind=payload.kind,
            account=payload.account,
            anonymous=payload.anonymous,
            contact_email=payload.contact_email,
        )
    except PermissionDenied:
        return Status(403, {"detail": "This network takes anonymous reports only when signed in."})
    return Status(201, {"id": case.pk, "receipt": receipt if case.anonymous else None})


class MessageOut(Schema):
    id: int
    side: str
    author: str
    text: str
    at: datetime.datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    from_reporter: bool
    at: datetime.datetime


class HistoryOut(Schema):
    state: str
    note: str
    author: str
    at: datetime.datetime


class CaseOut(Schema):
    id: int
    network: str
    kind: str
    state: str
    anonymous: bool
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    account: str
    reporter: dict[str, Any]
    messages: list[MessageOut]
    measures: list[MessageOut]
    history: list[HistoryOut]
    principles: dict[str, bool]
    attachments: list[AttachmentOut]


def _case_out(opened: queries.OpenCase) -> dict[str, Any]:
    case = opened.case
    return {
        "id": case.pk,
        "network": case.network.slug,
        "kind": case.kind,
        "state": case.state,
        "anonymous": case.anonymous,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "account": opened.account,
        "reporter": opened.identity,
        "messages": [vars(m) for m in opened.messages],
        "measures": [vars(m) for m in opened.measures],
        "history": opened.history,
        "principles": {key: done for key, _label, done in queries.principles(opened.checked)},
        "attachments": [vars(a) for a in opened.attachments],
    }


def _opened(request: HttpRequest, case: Case, case_key: bytes) -> dict[str, Any]:
    """The case opened for an officer: every such answer is a read, logged."""
    actions.log_read(case, _user(request))
    return _case_out(queries.open_case(case, case_key))


def _officer_case(request: HttpRequest, pk: int) -> tuple[Case, bytes]:
    case = Case.objects.select_related("network").filter(pk=pk).first()
    if case is None:
        raise HttpError(404, "No such case.")
    get_network_for(request.user, case.network.slug)  # 404 outside the network
    case = get_case_for(request.user, case.network, pk, Action.READ_PROTOCOL_CASES)
    try:
        return case, case_key_for(request, case)
    except Locked as exc:
        raise HttpError(403, LOCKED) from exc


@router.get("/protocol/reports/{pk}", response=CaseOut)
def get_report(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    """The case opened, for its officers; every read is logged."""
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    return _opened(request, case, case_key)


class MessageIn(Schema):
    message: str


@router.post("/protocol/reports/{pk}/messages", response={201: MessageOut})
def team_message(
    request: HttpRequest, pk: int, payload: MessageIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    """An officer's reply; the reporter is emailed that there is news, if they asked."""
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    entry = actions.team_message(
        actor=_user(request), case=case, case_key=case_key, message=payload.message
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "side": "team",
            "author": str(entry.author),
            "text": payload.message.strip(),
            "at": entry.at,
        },
    )


class StateIn(Schema):
    state: Literal[tuple(CaseState.values)]  # type: ignore[valid-type]
    note: str


@router.post("/protocol/reports/{pk}/state", response=CaseOut)
def change_state(
    request: HttpRequest, pk: int, payload: StateIn, response: HttpResponse
) -> dict[str, Any]:
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    actions.change_state(
        actor=_user(request), case=case, case_key=case_key, state=payload.state, note=payload.note
    )
    return _opened(request, case, case_key)


class MeasureIn(Schema):
    measure: str


@router.post("/protocol/reports/{pk}/measures", response=CaseOut)
def add_measure(
    request: HttpRequest, pk: int, payload: MeasureIn, response: HttpResponse
) -> dict[str, Any]:
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    actions.add_measure(actor=_user(request), case=case, case_key=case_key, measure=payload.measure)
    return _opened(request, case, case_key)


class ChecklistIn(Schema):
    principles: list[str]


@router.put("/protocol/reports/{pk}/principles", response=CaseOut)
def set_principles(
    request: HttpRequest, pk: int, payload: ChecklistIn, response: HttpResponse
) -> dict[str, Any]:
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    actions.set_checklist(
        actor=_user(request), case=case, case_key=case_key, checked=payload.principles
    )
    return _opened(request, case, case_key)


class AttachmentIn(Schema):
    name: str
    content_type: str = "application/octet-stream"
    content_base64: str


@router.post("/protocol/reports/{pk}/attachments", response={201: AttachmentOut})
def attach(
    request: HttpRequest, pk: int, payload: AttachmentIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    _no_store(response)
    case, case_key = _officer_case(request, pk)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except ValueError as exc:
        raise HttpError(422, "content_base64 is not base64.") from exc
    entry = actions.attach(
        case=case,
        case_key=case_key,
        name=payload.name,
        content_type=payload.content_type,
        data=data,
        actor=_user(request),
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "name": payload.name[:200],
            "content_type": payload.content_type[:100],
            "size": len(data),
            "from_reporter": False,
            "at": entry.at,
        },
    )


@router.post("/protocol/reports/{pk}/step-aside", response={204: None})
def step_aside(request: HttpRequest, pk: int, response: HttpResponse) -> Status[None]:
    """A conflict of interest: the officer no longer reads or handles the case."""
    _no_store(response)
    case, _case_key = _officer_case(request, pk)
    actions.step_aside(actor=_user(request), case=case)
    return Status(204, None)


def _reads(case: Case, limit: int) -> list[dict[str, Any]]:
    """Who read the case when, newest first (None: the reporter, with the receipt)."""
    return [
        {"reader": str(r.reader) if r.reader else None, "at": r.at}
        for r in queries.reads_of(case)[:limit]
    ]


class ReadOut(Schema):
    reader: str | None
    at: datetime.datetime


@router.get("/protocol/reports/{pk}/reads", response=list[ReadOut])
def reads(request: HttpRequest, pk: int, response: HttpResponse) -> list[dict[str, Any]]:
    """Who read the case when (none: the reporter, with the receipt)."""
    _no_store(response)
    case, _case_key = _officer_case(request, pk)
    return _reads(case, 500)


class CaseSummary(Schema):
    id: int
    kind: str | None  # officers only: coordinators see that a case exists, its state, dates
    state: str
    anonymous: bool | None  # officers only
    created_at: datetime.datetime
    closed_at: datetime.datetime | None


@router.get("/networks/{slug}/protocol/cases", response=list[CaseSummary])
def list_cases(request: HttpRequest, slug: str, response: HttpResponse) -> Any:
    """That cases exist, with their type, state and dates (officers and coordinators); a
    page of the newest 200."""
    _no_store(response)
    network = get_network_for(request.user, slug, Action.VIEW_PROTOCOL_CASES)
    officer = can(request.user, Action.READ_PROTOCOL_CASES, network)
    return [
        {
            "id": case.pk,
            "kind": case.kind if officer else None,
            "state": case.state,
            "anonymous": case.anonymous if officer else None,
            "created_at": case.created_at,
            "closed_at": case.closed_at,
        }
        for case in queries.cases_of(network)[:200]
    ]


class CountOut(Schema):
    key: str  # the quarter (2026-T4) or the type
    label: str
    count: int | None  # null: fewer than 3


class StatisticsOut(Schema):
    total: int | None
    by_quarter: list[CountOut]
    by_kind: list[CountOut]
    first_response_days: float | None


@router.get("/networks/{slug}/protocol/statistics", response=StatisticsOut)
def statistics(request: HttpRequest, slug: str, response: HttpResponse) -> dict[str, Any]:
    """Anonymous counts: none under 3 is shown (null)."""
    _no_store(response)
    network = get_network_for(request.user, slug, Action.VIEW_PROTOCOL_STATISTICS)
    found = queries.network_statistics(network)
    return {
        "total": found.total,
        "by_quarter": [{"key": q, "label": label, "count": c} for q, label, c in found.by_quarter],
        "by_kind": [{"key": k, "label": label, "count": c} for k, label, c in found.by_kind],
        "first_response_days": found.first_response_days,
    }


class GrantIn(Schema):
    officer: int  # the person's id


@router.post("/networks/{slug}/protocol/grants", response={200: dict[str, int]})
def grant(request: HttpRequest, slug: str, payload: GrantIn, response: HttpResponse) -> Any:
    """Give another officer every case the caller can open (with a password token)."""
    _no_store(response)
    from minga.protocol.access import officer_key_of, unlocked_private

    network = get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    mine = officer_key_of(request.user, network)
    private = unlocked_private(request, mine) if mine else None
    if private is None:
        raise HttpError(403, LOCKED)
    officer = OfficerKey.objects.filter(person__network=network, person_id=payload.officer).first()
    if officer is None:
        raise HttpError(422, "That person has no protocol key in this network.")
    shared = actions.grant(actor=_user(request), network=network, private=private, officer=officer)
    return {"cases": shared}


# The reporter, with the receipt ----------------------------------------------------------------


class ReceiptIn(Schema):
    receipt: str


class ReporterCaseOut(Schema):
    id: int
    state: str
    created_at: datetime.datetime
    account: str
    messages: list[MessageOut]
    reads: list[ReadOut]


def _by_receipt(request: HttpRequest, receipt: str) -> tuple[Case, bytes]:
    try:
        return case_by_receipt(request, receipt)
    except TooManyAttempts as exc:
        raise HttpError(429, "Too many receipts tried; wait a few minutes.") from exc


def _reporter_out(case: Case, case_key: bytes) -> dict[str, Any]:
    opened = queries.open_case(case, case_key, for_reporter=True)
    return {
        "id": case.pk,
        "state": case.state,
        "created_at": case.created_at,
        "account": opened.account,
        "messages": [vars(m) for m in opened.messages],
        "reads": _reads(case, 200),
    }


@router.post(
    "/protocol/receipts/case", auth=None, response={200: ReporterCaseOut, 404: dict[str, str]}
)
def receipt_case(request: HttpRequest, payload: ReceiptIn, response: HttpResponse) -> Any:
    """The reporter's view: their account, the messages both ways, the state, who read it."""
    _no_store(response)
    case, case_key = _by_receipt(request, payload.receipt)
    actions.log_read(case, None)
    return _reporter_out(case, case_key)


class ReceiptMessageIn(Schema):
    receipt: str
    message: str


@router.post(
    "/protocol/receipts/messages",
    auth=None,
    response={201: ReporterCaseOut, 404: dict[str, str]},
)
def receipt_message(request: HttpRequest, payload: ReceiptMessageIn, response: HttpResponse) -> Any:
    _no_store(response)
    case, case_key = _by_receipt(request, payload.receipt)
    actions.reporter_message(case=case, case_key=case_key, message=payload.message)
    actions.log_read(case, None)
    return Status(201, _reporter_out(case, case_key))
