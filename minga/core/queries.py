"""Derived reads of the core app: the lists and figures pages and the API show.

Views and the API read lists through these functions, so a page and its API list
agree on what they hold and each stays a bounded number of queries as data grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict

from django.apps import apps
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from minga.core.db import sql_name
from minga.core.models import (
    AuditEntry,
    Invitation,
    Network,
    Organization,
    OrganizationSize,
    OrganizationType,
    Person,
    Role,
    StepProgress,
    StepState,
    choice_labels,
)
from minga.core.steps import STEP_KEYS, STEPS


def networks_visible_to(user: Any) -> QuerySet[Network]:
    """The networks a user belongs to; every network for a platform administrator."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(people__user=user).distinct()


def _content_check(label: str) -> str | None:
    """SQL that is true when the network (the one parameter) has a row of `label`."""
    try:
        model = apps.get_model(label)
    except LookupError:  # the app is not installed
        return None
    return f"EXISTS (SELECT 1 FROM {sql_name(model)} WHERE {sql_name(model, 'network')} = %s)"  # noqa: S608


def step_states(network: Network, keys: Iterable[str] | None = None) -> dict[str, str]:
    """Each step's state in the network (of the steps `keys`, every step by default): the
    one its coordinators set; where they set none, "In progress" for a step holding content
    (see `Step.content`) and "Not started" for the rest.

    One plain SQL query, a column per step. The ORM took about 4 ms to build the same
    query of Exists, on every step's page (bench/load.py), for a millisecond's answer."""
    wanted = set(STEP_KEYS if keys is None else keys)
    steps = [step for step in STEPS if step.key in wanted]
    if not steps:
        return {}
    chosen = (
        f"NULLIF((SELECT {sql_name(StepProgress, 'state')} FROM {sql_name(StepProgress)} "  # noqa: S608
        f"WHERE {sql_name(StepProgress, 'network')} = %s "
        f"AND {sql_name(StepProgress, 'step')} = %s), '')"
    )
    columns: list[str] = []
    parameters: list[Any] = []
    for step in steps:
        parameters += [network.pk, step.key]
        checks = [check for label in step.content if (check := _content_check(label))]
        if checks:
            content = " OR ".join(checks)
            columns.append(f"COALESCE({chosen}, CASE WHEN {content} THEN %s ELSE %s END)")
            parameters += [network.pk] * len(checks)
            parameters += [StepState.IN_PROGRESS.value, StepState.NOT_STARTED.value]
        else:
            columns.append(f"COALESCE({chosen}, %s)")
            parameters.append(StepState.NOT_STARTED.value)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", parameters)
        row = cursor.fetchone()
    return {step.key: state for step, state in zip(steps, row, strict=True)}


def step_state(network: Network, key: str) -> str:
    """One step's state, as `step_states` gives it: what a step's own page shows."""
    return step_states(network, [key])[key]


def organizations_of(
    network: Network,
    *,
    q: str | None = None,
    country: str | None = None,
    size: str | None = None,
    type: str | None = None,
    theme: str | None = None,
) -> QuerySet[Organization]:
    """The network's organizations matching every filter given (`theme` is a slug)."""
    organizations = network.organizations.all()
    if q:
        organizations = organizations.filter(name__icontains=q)
    if country:
        organizations = organizations.filter(country=country)
    if size:
        organizations = organizations.filter(size=size)
    if type:
        organizations = organizations.filter(type=type)
    if theme:
        organizations = organizations.filter(themes__slug=theme)
    return organizations.prefetch_related("themes")


class OrganizationRow(TypedDict):
    """An organization as the directory's table shows it, its country, type, size and
    themes named in the reader's language."""

    pk: int
    name: str
    url: str
    country: str
    city: str
    type: str
    size: str
    themes: list[str]


# What a directory row reads of an organization.
ORGANIZATION_ROW_FIELDS = ("pk", "name", "country", "city", "type", "size")


def organization_rows(network: Network, page: Iterable[dict[str, Any]]) -> list[OrganizationRow]:
    """A page of `organizations_of(...).values(*ORGANIZATION_ROW_FIELDS)` as table rows,
    with one query for their themes. Plain values, not model objects: building 50
    organizations with their themes' managers was half of the directory's time."""
    found = list(page)
    themes: dict[int, list[str]] = {}
    if found:
        through = Organization.themes.through.objects
        for organization_id, name in (
            through.filter(organization_id__in=[row["pk"] for row in found])
            .order_by("theme__name")
            .values_list("organization_id", "theme__name")
        ):
            themes.setdefault(organization_id, []).append(name)
    types = choice_labels(OrganizationType.choices)
    sizes = choice_labels(OrganizationSize.choices)
    return [
        OrganizationRow(
            pk=row["pk"],
            name=row["name"],
            url=reverse("organization_detail", args=[network.slug, row["pk"]]),
            country=countries.name(row["country"]),
            city=row["city"],
            type=types.get(row["type"], row["type"]),
            size=sizes.get(row["size"], row["size"]),
            themes=themes.get(row["pk"], []),
        )
        for row in found
    ]


def people_of(
    network: Network,
    *,
    role: str | None = None,
    organization: int | None = None,
    q: str | None = None,
) -> QuerySet[Person]:
    """The network's people with their accounts, organizations and roles."""
    people = network.people.select_related("user", "organization").prefetch_related(
        Prefetch("roles", queryset=Role.objects.order_by("name"))
    )
    if role:
        people = people.filter(roles__name=role)
    if organization is not None:
        people = people.filter(organization_id=organization)
    if q:
        people = people.filter(username__icontains=q)
    return people


def pending_invitations(network: Network) -> QuerySet[Invitation]:
    """Invitations neither accepted nor expired, newest first."""
    return network.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def _day_start(day: date) -> datetime:
    """Midnight opening `day` in the current time zone (the network's), as an aware time."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def audit_entries(
    network: Network,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The network's audit log, newest first: by one person (username), of one event,
    and from `since` through `until` (dates in the network's time zone), when given.
    Dates bound `at` as a range, so the (network, at, id) index serves them."""
    entries = AuditEntry.objects.filter(network=network).select_related("actor")
    if actor:
        entries = entries.filter(actor__username=actor)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__gte=_day_start(since))
    if until:
        entries = entries.filter(at__lt=_day_start(until + timedelta(days=1)))
    return entries.order_by("-at", "-pk")


# As the other lists' pages: a phone's few screens (100 took twice the page's time).
AUDIT_PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def audit_cursor(entry: AuditEntry) -> str:
    """Where an entry sits in the log, for a link: its time (microseconds) and id."""
    return f"{(entry.at - _EPOCH) // timedelta(microseconds=1)}.{entry.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    at, _, pk = cursor.partition(".")
    try:
        return _EPOCH + timedelta(microseconds=int(at)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class AuditPage:
    """One page of the log and the cursors of the pages beside it (None: no such page)."""

    entries: list[AuditEntry]
    newer: str | None
    older: str | None


def audit_page(
    entries: QuerySet[AuditEntry],
    *,
    before: str = "",
    after: str = "",
    size: int = AUDIT_PAGE_SIZE,
) -> AuditPage:
    """A page of `entries` (newest first) by keyset: the `size` entries older than the
    cursor `before`, or newer than the cursor `after`, or the newest. One query, walking
    the (network, at, id) index from the cursor: no count, no offset, whatever the log's
    length. An unreadable cursor gives the newest page."""
    if (mark := _parse_cursor(after)) is not None:
        at, pk = mark
        rows = list(
            entries.filter(at__gte=at).exclude(at=at, pk__lte=pk).order_by("at", "pk")[: size + 1]
        )
        shown = rows[:size][::-1]
        if shown:  # else nothing is newer: the newest page
            return AuditPage(
                shown,
                newer=audit_cursor(shown[0]) if len(rows) > size else None,
                older=audit_cursor(shown[-1]),  # the cursor's entry, at least
            )
    mark = _parse_cursor(before) if not after else None
    if mark is not None:
        at, pk = mark
        entries = entries.filter(at__lte=at).exclude(at=at, pk__gte=pk)
    rows = list(entries.order_by("-at", "-pk")[: size + 1])
    shown = rows[:size]
    return AuditPage(
        shown,
        newer=audit_cursor(shown[0]) if mark is not None and shown else None,
        older=audit_cursor(shown[-1]) if len(rows) > size else None,
    )


# A task ready this long without a worker taking it: the workers are down or overwhelmed.
STALLED_AFTER = timedelta(minutes=10)


def task_queue_health() -> dict[str, Any]:
    """The background queue as a health check sees it: how many tasks are ready to run, how
    long the oldest of them has waited (seconds; None when none waits), and whether that is
    past STALLED_AFTER."""
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waited = (timezone.now() - oldest) if oldest is not None else None
    return {
        "ready": ready.count(),
        "oldest_ready_seconds": round(waited.total_seconds(), 1) if waited is not None else None,
        "stalled": waited is not None and waited > STALLED_AFTER,
    }
