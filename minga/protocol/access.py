"""Protocol objects and keys for a request, for the pages and the API alike.

- A case is found for someone who may see that it exists (`get_case_for`): officers and
  coordinators; 404 outside the network, 403 without the role, superusers included.
- Its key opens only for an officer who holds it and has unlocked their private key
  (`case_key_for`): in the browser, by typing their password on the protocol's page
  (the key is kept sealed in the session under a second key that only the browser's
  cookie holds, so neither the session row nor the cookie alone opens anything); through
  the API, with a token issued against their password (`TokenKey`).
- A receipt finds its case and opens its key (`case_by_receipt`), at most so many tries
  per address and overall in each window (`ATTEMPTS_*`); a wrong one says nothing more.
"""

from __future__ import annotations

import base64
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from minga.core.access import get_in_network
from minga.core.models import ApiToken, Network, hash_secret
from minga.core.permissions import Action, can
from minga.protocol import keys
from minga.protocol.actions import kdf_cost, locked_key
from minga.protocol.models import Attempt, Case, CaseKey, Holder, OfficerKey, StepAside, TokenKey

SESSION_KEY = "minga_protocol_key"
# "key" in its name: Django's error reports blank such cookies, as they do the session.
COOKIE = "minga_protocol_key"
ATTEMPTS_WINDOW = timedelta(minutes=10)
ATTEMPTS_PER_ADDRESS = 10
ATTEMPTS_OVERALL = 300
# Per window: failed receipts, failed unlocks, and reports (each an Argon2id derivation).
LIMITS = {
    "receipt": (ATTEMPTS_PER_ADDRESS, ATTEMPTS_OVERALL),
    "unlock": (ATTEMPTS_PER_ADDRESS, ATTEMPTS_OVERALL),
    "report": (5, 200),
}


class Locked(Exception):
    """The officer's private key is not unlocked for this request."""


class TooManyAttempts(Exception):
    """Too many receipts tried from this address, or overall, in this window."""


def get_case_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_PROTOCOL_CASES
) -> Case:
    return get_in_network(user, network, action, Case.objects.filter(network=network), pk)


def officer_key_of(user: Any, network: Network) -> OfficerKey | None:
    if not can(user, Action.READ_PROTOCOL_CASES, network):
        return None
    return OfficerKey.objects.filter(person__network=network, person__user=user).first()


# Unlocking, in the browser ----------------------------------------------------------------


def unlock_in_browser(
    request: HttpRequest, response: HttpResponse, officer: OfficerKey, password: str
) -> None:
    """Check the password against the officer's key, then keep the private key for this
    session: sealed in the session under a random key set in an HttpOnly cookie."""
    private = keys.unlock(locked_key(officer), password, kdf_cost())  # WrongSecret if wrong
    session_key = keys.new_case_key()
    request.session[SESSION_KEY] = base64.b64encode(keys.seal(session_key, private)).decode()
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(session_key).decode(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        samesite="Strict",
    )


def lock_in_browser(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE, samesite="Strict")


def _browser_private(request: HttpRequest) -> bytes | None:
    sealed, cookie = request.session.get(SESSION_KEY), request.COOKIES.get(COOKIE)
    if not sealed or not cookie:
        return None
    try:
        return keys.unseal(base64.urlsafe_b64decode(cookie), base64.b64decode(sealed))
    except (keys.WrongSecret, ValueError):
        return None


def _token_private(request: HttpRequest, officer: OfficerKey) -> bytes | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        return None
    token = ApiToken.objects.filter(key_hash=hash_secret(raw.strip())).first()
    kept = TokenKey.objects.filter(token=token, officer=officer).first() if token else None
    if kept is None:
        return None
    try:
        return keys.unseal(keys.token_key(raw.strip()), bytes(kept.locked))
    except keys.WrongSecret:
        return None


def unlocked_private(request: HttpRequest, officer: OfficerKey) -> bytes | None:
    private = _browser_private(request) or _token_private(request, officer)
    if private is not None and keys.public_of(private) != bytes(officer.public):
        return None  # a key of another officer, or of an older key pair
    return private


def case_key_for(request: HttpRequest, case: Case) -> bytes:
    """The case's key for the officer making the request: PermissionDenied if they may not
    read it (not an officer, stepped aside, never given it), Locked if their key is."""
    user = request.user
    if not can(user, Action.READ_PROTOCOL_CASES, case.network):
        raise PermissionDenied
    officer = officer_key_of(user, case.network)
    if officer is None:
        raise Locked
    if StepAside.objects.filter(case=case, person=officer.person).exists():
        raise PermissionDenied
    wrapped = CaseKey.objects.filter(case=case, officer=officer).first()
    if wrapped is None:
        raise PermissionDenied
    private = unlocked_private(request, officer)
    if private is None:
        raise Locked
    return keys.unwrap(private, bytes(wrapped.wrapped))


# Receipts -------------------------------------------------------------------------------------


def _window(now: Any) -> Any:
    seconds = int(ATTEMPTS_WINDOW.total_seconds())
    return now - timedelta(seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond)


def client_address(request: HttpRequest) -> str:
    if settings.MINGA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _scopes(request: HttpRequest, purpose: str) -> dict[str, int]:
    """This purpose's buckets (receipts, unlocking, reporting): per address, as a keyed
    hash of it (the table never holds an address, and its rows go with their window), and
    overall."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), "sha256"
    ).hexdigest()
    per_address, overall = LIMITS[purpose]
    return {f"{purpose}:address:{digest[:40]}": per_address, f"{purpose}:all": overall}


def check_attempts(request: HttpRequest, purpose: str) -> None:
    """TooManyAttempts if this address, or everyone, used up this window's attempts."""
    window = _window(timezone.now())
    for scope, limit in _scopes(request, purpose).items():
        row = Attempt.objects.filter(scope=scope, window=window).first()
        if row is not None and row.count >= limit:
            raise TooManyAttempts


def count_attempt(request: HttpRequest, purpose: str) -> None:
    """One more failed guess (or, for reports, one more report), in its own transaction."""
    window = _window(timezone.now())
    with transaction.atomic():
        Attempt.objects.filter(window__lt=window - ATTEMPTS_WINDOW).delete()
        for scope in _scopes(request, purpose):
            row, _created = Attempt.objects.get_or_create(scope=scope, window=window)
            Attempt.objects.filter(pk=row.pk).update(count=F("count") + 1)


def case_by_receipt(
    request: HttpRequest, typed: str, network: Network | None = None
) -> tuple[Case, bytes]:
    """The case a receipt opens (in `network`, when given), with its key: Http404 for any
    receipt that does not (malformed or unknown alike), TooManyAttempts once this address
    or everyone failed too often in this window."""
    check_attempts(request, "receipt")
    receipt = keys.normalize_receipt(typed or "")
    found = keys.receipt_secrets(receipt, cost=kdf_cost()) if receipt else None
    case = (
        Case.objects.select_related("network").filter(receipt_tag=found.tag).first()
        if found
        else None
    )
    wrapped = CaseKey.objects.filter(case=case, holder=Holder.RECEIPT).first() if case else None
    try:
        if found is None or case is None or wrapped is None:
            raise keys.WrongSecret
        if network is not None and case.network_id != network.pk:
            raise keys.WrongSecret
        return case, keys.unseal(found.key, bytes(wrapped.wrapped))
    except keys.WrongSecret as exc:
        count_attempt(request, "receipt")
        raise Http404("No such receipt") from exc
