"""The REST API under /api/v1: one NinjaAPI, with a router per app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from minga.core.models import ApiToken, hash_secret


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from `minga createtoken` or /auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_secret(token), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        # Write the last-use time at most hourly: reads must not all become writes.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 3600:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


def docs_switch(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Interactive docs only where MINGA_API_DOCS is on (off in production)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.MINGA_API_DOCS:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="Minga API",
    version="1",
    description="Networks, organizations, people and every step of the method.",
    auth=[BearerToken(), django_auth],
    docs_decorator=docs_switch,
    urls_namespace="api",
)


def validation_detail(exc: ValidationError) -> list[dict[str, Any]]:
    """Django validation errors in the shape of ninja's own 422 answers, naming the field."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [
        {"loc": ["body", "payload"], "msg": message, "type": "value_error"}
        for message in exc.messages
    ]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(MultiPartParserError)
def on_unparsable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A multipart body without a boundary, say: the client's mistake, answered like ninja's own
    # unparsable-body error rather than as a server error.
    return api.create_response(request, {"detail": "Cannot parse request body"}, status=400)


def _not_storable(request: HttpRequest) -> HttpResponse:
    detail = [
        {"loc": ["request"], "msg": "A value the database cannot hold.", "type": "value_error"}
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OverflowError)
def on_number_beyond_64_bits(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # A number beyond 64 bits, as a filter, a key or a field: SQLite refuses to bind it.
    return _not_storable(request)


# PostgreSQL's numeric value out of range, string data right truncation.
VALUE_TOO_LARGE = {"22003", "22001"}


@api.exception_handler(DataError)
def on_value_the_database_cannot_hold(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A number or a text larger than its column, or a text with a NUL character (psycopg
    # refuses to send it): the client's value. Every other data error stays a server error.
    if getattr(exc.__cause__, "sqlstate", None) in VALUE_TOO_LARGE or "NUL (0x00)" in str(exc):
        return _not_storable(request)
    raise exc


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Your role in this network does not allow this."}, status=403
    )


def _add_app_routers() -> None:
    """Mount each app's `api.router` (if it has one) at the API's root, core first."""
    import importlib

    for app in settings.MINGA_APPS:
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.api":
                raise
            continue
        api.add_router("/", module.router)


_add_app_routers()
