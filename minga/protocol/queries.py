"""The protocol's reads: a case opened with its key (for its officers, or for the reporter
with the receipt), the list of cases without their contents, who read a case when, and
the anonymous statistics (no count under `SMALLEST_COUNT` is shown)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from minga.core.models import Network
from minga.protocol import keys
from minga.protocol.models import (
    PRINCIPLES,
    Case,
    CaseKind,
    CaseState,
    Entry,
    EntryKind,
    PublishedText,
    PurgedCount,
    Read,
    TextKind,
)

SMALLEST_COUNT = 3  # statistics show no count below this: a case could be recognized


@dataclass
class Message:
    id: int
    side: str  # "reporter" or "team"
    author: str
    text: str
    at: datetime


@dataclass
class Attachment:
    id: int
    name: str
    content_type: str
    size: int
    from_reporter: bool
    at: datetime


@dataclass
class OpenCase:
    """A case as its officers read it (`identity` and everything else), or as its reporter
    does (`for_reporter`: their account, the messages both ways, the state)."""

    case: Case
    account: str
    identity: dict[str, Any]
    messages: list[Message] = field(default_factory=list)
    measures: list[Message] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def _author(entry: Entry) -> str:
    return str(entry.author) if entry.author else ""


def open_case(case: Case, case_key: bytes, *, for_reporter: bool = False) -> OpenCase:
    """Every sealed part of the case opened with its key (one query)."""
    opened = OpenCase(case=case, account="", identity={})
    for entry in case.entries.select_related("author__user").defer("sealed_file"):
        plain = keys.unseal(case_key, bytes(entry.sealed))
        if entry.kind == EntryKind.ACCOUNT:
            opened.account = plain.decode()
        elif entry.kind == EntryKind.IDENTITY and not for_reporter:
            opened.identity = json.loads(plain)
        elif entry.kind in (EntryKind.FROM_REPORTER, EntryKind.FROM_TEAM):
            side = "reporter" if entry.kind == EntryKind.FROM_REPORTER else "team"
            author = "" if for_reporter and side == "team" else _author(entry)
            opened.messages.append(Message(entry.pk, side, author, plain.decode(), entry.at))
        elif for_reporter:
            continue  # measures, notes and the checklist are the team's
        elif entry.kind == EntryKind.MEASURE:
            opened.measures.append(
                Message(entry.pk, "team", _author(entry), plain.decode(), entry.at)
            )
        elif entry.kind == EntryKind.STATE:
            change = json.loads(plain)
            opened.history.append(
                {
                    "state": change["state"],
                    "state_label": CaseState(change["state"]).label,
                    "note": change["note"],
                    "author": _author(entry),
                    "at": entry.at,
                }
            )
        elif entry.kind == EntryKind.CHECKLIST:
            opened.checked = json.loads(plain)
        if entry.kind == EntryKind.ATTACHMENT and not for_reporter:
            meta = json.loads(plain)
            opened.attachments.append(
                Attachment(
                    entry.pk,
                    meta["name"],
                    meta["content_type"],
                    meta["size"],
                    entry.author_id is None,
                    entry.at,
                )
            )
    return opened


def attachment(case: Case, case_key: bytes, pk: int) -> tuple[dict[str, Any], bytes] | None:
    entry = case.entries.filter(kind=EntryKind.ATTACHMENT, pk=pk).first()
    if entry is None or entry.sealed_file is None:
        return None
    meta = json.loads(keys.unseal(case_key, bytes(entry.sealed)))
    return meta, keys.unseal(case_key, bytes(entry.sealed_file))


def principles(checked: list[str]) -> list[tuple[str, str, bool]]:
    return [(key, str(label), key in checked) for key, label in PRINCIPLES]


def cases_of(network: Network) -> QuerySet[Case]:
    """The network's cases without their contents (type, state, dates), newest first."""
    return Case.objects.filter(network=network).only(
        "pk", "network_id", "kind", "state", "anonymous", "created_at", "closed_at"
    )


def reads_of(case: Case) -> QuerySet[Read]:
    return case.reads.select_related("reader__user")


def current_text(network: Network, kind: str) -> PublishedText | None:
    return PublishedText.objects.filter(network=network, kind=kind).order_by("-version").first()


def current_texts(network: Network) -> dict[str, PublishedText | None]:
    return {kind: current_text(network, kind) for kind in TextKind.values}


# Anonymous statistics ---------------------------------------------------------------------


@dataclass
class Statistics:
    by_quarter: list[tuple[str, str, int | None]]  # key, label; None: under SMALLEST_COUNT
    by_kind: list[tuple[str, str, int | None]]  # the type, its label, the count
    first_response_days: float | None  # the median, over at least SMALLEST_COUNT cases
    total: int | None


def _suppressed(counts: dict[str, int], also: bool) -> set[str]:
    """Which cells to hide: those under SMALLEST_COUNT, and, where exactly one is hidden
    (or `also`: the other breakdown hides some, so the total it gives must not be
    recomputed here), the smallest shown ones too, until two are hidden: no hidden count
    can then be recovered by subtracting the others from the total."""
    hidden = {key for key, count in counts.items() if count < SMALLEST_COUNT}
    if hidden or also:
        for key in sorted(counts, key=lambda k: (counts[k], k)):
            if len(hidden) >= 2 or len(hidden) == len(counts):
                break
            hidden.add(key)
    return hidden


def _quarter(day: date) -> str:
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def _quarter_label(key: str) -> str:
    year, quarter = key.split("-T")
    return _("Quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": year}


def network_statistics(network: Network) -> Statistics:
    """Cases per quarter and per type (purged ones included), and the median days to a
    first response; no count under SMALLEST_COUNT, no detail of any case."""
    quarters: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    waits: list[float] = []
    for created, kind, first in Case.objects.filter(network=network).values_list(
        "created_at", "kind", "first_response_at"
    ):
        quarters[_quarter(created.date())] += 1
        kinds[kind] += 1
        if first is not None:
            waits.append((first - created).total_seconds() / 86400)
    for month, kind, count in PurgedCount.objects.filter(network=network).values_list(
        "month", "kind", "count"
    ):
        quarters[_quarter(month)] += count
        kinds[kind] += count
    labels = dict(CaseKind.choices)
    small_kinds = any(count < SMALLEST_COUNT for count in kinds.values())
    small_quarters = any(count < SMALLEST_COUNT for count in quarters.values())
    hidden_kinds = _suppressed(kinds, small_quarters)
    hidden_quarters = _suppressed(quarters, small_kinds)
    total = sum(kinds.values())
    return Statistics(
        by_quarter=[
            (q, _quarter_label(q), None if q in hidden_quarters else quarters[q])
            for q in sorted(quarters)
        ],
        by_kind=[
            (kind, str(labels[kind]), None if kind in hidden_kinds else kinds[kind])
            for kind in CaseKind.values
            if kinds[kind]
        ],
        first_response_days=round(statistics.median(waits), 1)
        if len(waits) >= SMALLEST_COUNT
        else None,
        total=total if total >= SMALLEST_COUNT else None,
    )
