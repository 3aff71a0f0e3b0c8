"""Derived reads of communication: upcoming and past events (paged), the calendars'
events, the year at a glance against the method's rhythm, registrations and the waiting
list, working groups. Bounded by what a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from minga.communication import rhythm
from minga.communication.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationKind,
    Digest,
    Event,
    Initiative,
    Registration,
    RegistrationStatus,
    Resource,
    WorkingGroup,
    fold,
)
from minga.core.models import Network, Person
from minga.financing.queries import Deadline, deadlines
from minga.governance.queries import positions_by_quarter

# A feed carries what is coming and the recent past, not the network's whole history.
FEED_PAST = timedelta(days=180)
FEED_LIMIT = 500


def upcoming(network: Network) -> QuerySet[Event]:
    """Events with an occurrence still to come (or under way), soonest first."""
    return (
        Event.objects.filter(network=network, last_ends_at__gte=timezone.now())
        .select_related("group", "network")
        .order_by("starts_at", "pk")
    )


def past(network: Network) -> QuerySet[Event]:
    return (
        Event.objects.filter(network=network, last_ends_at__lt=timezone.now())
        .select_related("group", "network")
        .order_by("-starts_at", "-pk")
    )


def feed_events(network: Network, *, public_only: bool) -> list[Event]:
    """What a calendar feed carries: events ending in the last six months or later."""
    rows = Event.objects.filter(network=network, last_ends_at__gte=timezone.now() - FEED_PAST)
    if public_only:
        rows = rows.filter(public=True)
    # Past the limit, the furthest past is left out, never what is coming.
    kept = list(rows.select_related("network").order_by("-last_ends_at", "-pk")[:FEED_LIMIT])
    return sorted(kept, key=lambda e: (e.starts_at, e.pk))


def funding_deadlines(network: Network) -> list[Deadline]:
    """The calls' and working applications' deadlines a person's calendar carries (from the
    last six months on, a year ahead): financing's read module, not its tables."""
    now = timezone.now()
    return deadlines(network, now - FEED_PAST, now + timedelta(days=366))[:FEED_LIMIT]


def year_at_a_glance(network: Network, year: int) -> rhythm.Year:
    """The year's months against the rhythm, from every occurrence (in the network's
    time zone) of the events that are not cancelled."""
    zone = network.zone()
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    events = Event.objects.filter(
        network=network, cancelled=False, starts_at__lt=end, last_ends_at__gte=start
    ).only("kind", "starts_at", "ends_at", "time_zone", "recurrence", "occurrences")
    dated = [
        (event.kind, begins.astimezone(zone).date())
        for event in events[:2000]
        for begins, _ends in event.dates()
    ]
    return rhythm.year_at_a_glance(year, dated)


@dataclass(frozen=True)
class Places:
    registered: int
    waiting: int
    capacity: int | None

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)


def places(event: Event) -> Places:
    counts = event.registrations.aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    return Places(counts["registered"], counts["waiting"], event.capacity)


def registration_of(event: Event, person: Person | None) -> Registration | None:
    if person is None:
        return None
    return event.registrations.filter(person=person).first()


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = registration.event.registrations.filter(status=RegistrationStatus.WAITING).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations(event: Event) -> QuerySet[Registration]:
    """Registered first, then the waiting list in its order."""
    return (
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("person__user", "person__organization")
        .order_by("status", "queued_at", "pk")  # "registered" sorts before "waiting"
    )


def groups(network: Network) -> QuerySet[WorkingGroup]:
    return (
        WorkingGroup.objects.filter(network=network)
        .select_related("network")
        .annotate(members=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def person_of(user: Any, network: Network) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return network.people.filter(user=user).first()


def digest_sendings(network: Network) -> list[dict[str, object]]:
    """Per period (newest first): how many digests went, were refused, or were cut off."""
    # The last three months: a coordinator checks recent sendings, not the archive.
    recent = timezone.now() - timedelta(days=93)
    rows = (
        Digest.objects.filter(person__network=network, claimed_at__gte=recent)
        .order_by()
        .values("period", "status")
        .annotate(n=Count("pk"))
    )
    found: dict[str, dict[str, object]] = {}
    for row in rows:
        found.setdefault(row["period"], {"period": row["period"]})[row["status"]] = row["n"]
    return [found[p] for p in sorted(found, reverse=True)]


def initiatives(network: Network) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(network=network)
        .select_related("organization", "network")
        .defer("image")
        .order_by("-created_at", "-pk")
    )


def resources(network: Network, filters: dict[str, Any] | None = None) -> QuerySet[Resource]:
    """The library, newest first: searched without regard to case or accents (in any of the
    network's languages), filtered by language, theme and licence."""
    filters = filters or {}
    rows = Resource.objects.filter(network=network).select_related("network", "organization")
    for word in fold(str(filters.get("q") or "")).split()[:8]:
        rows = rows.filter(search_text__contains=word)
    if filters.get("language"):
        rows = rows.filter(language=filters["language"])
    if filters.get("theme"):
        rows = rows.filter(themes__slug=filters["theme"])
    if filters.get("licence"):
        rows = rows.filter(licence=filters["licence"])
    return rows.defer("content").order_by("-created_at", "-pk")


# Quick consultations --------------------------------------------------------------------


def consultations(network: Network) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(network=network)
        .select_related("network")
        .annotate(answered=Count("answers"))
        .order_by("-closes_at", "-pk")
    )


def open_unanswered(person: Person, limit: int = 10) -> list[Consultation]:
    """Open consultations this person has not answered yet (the digest's section)."""
    now = timezone.now()
    return list(
        Consultation.objects.filter(network=person.network, opens_at__lte=now, closes_at__gt=now)
        .exclude(answers__person=person)
        .select_related("network")
        .order_by("closes_at", "pk")[:limit]
    )


def results(consultation: Consultation) -> list[tuple[str, int]]:
    """(answer, how many) for a choice (in the order offered) or a rating (1 to 5)."""
    if consultation.kind == ConsultationKind.CHOICE:
        counts = dict(consultation.answers.order_by().values_list("choice").annotate(n=Count("pk")))
        return [(choice, counts.get(choice, 0)) for choice in consultation.choices]
    if consultation.kind == ConsultationKind.RATING:
        counts = dict(consultation.answers.order_by().values_list("rating").annotate(n=Count("pk")))
        return [(str(r), counts.get(r, 0)) for r in range(1, 6)]
    return []


def text_answers(network: Network, pk: int) -> tuple[Consultation, list[str]] | None:
    """A short-text consultation of the network and its distinct answers, in the order
    given (planning turns members' perceptions into SWOT notes); None if it has none such."""
    consultation = Consultation.objects.filter(
        network=network, pk=pk, kind=ConsultationKind.TEXT
    ).first()
    if consultation is None:
        return None
    seen: dict[str, str] = {}
    for text in consultation.answers.order_by("answered_at", "pk").values_list("text", flat=True):
        if text.strip():
            seen.setdefault(text.strip().casefold(), text.strip())
    return consultation, list(seen.values())


# Engagement -----------------------------------------------------------------------------

QUARTERS = 4


def quarters(today: date | None = None, count: int = QUARTERS) -> list[date]:
    """The first days of the last `count` quarters, the current one last."""
    today = today or timezone.localdate()
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    found = [first]
    while len(found) < count:
        month = found[0].month - 3
        year = found[0].year + (month - 1) // 12
        found.insert(0, date(year, (month - 1) % 12 + 1, 1))
    return found


@dataclass
class Engagement:
    organization: Any
    # Per quarter (oldest first): meetings attended, consultations answered, positions
    # taken, resources shared.
    meetings: list[int]
    answers: list[int]
    positions: list[int]
    resources: list[int]

    @property
    def totals(self) -> list[int]:
        rows = zip(self.meetings, self.answers, self.positions, self.resources, strict=True)
        return [sum(v) for v in rows]

    @property
    def falling(self) -> bool:
        """The last complete quarter at most half of the one before (which had some)."""
        totals = self.totals
        before, last = totals[-3], totals[-2]
        return before >= 2 and last * 2 <= before


def engagement(organizations: list[Any], today: date | None = None) -> list[Engagement]:
    """Each organization's participation over the last four quarters: for a page of them."""
    starts = quarters(today)
    since = datetime.combine(starts[0], datetime.min.time(), tzinfo=timezone.get_current_timezone())
    ids = [o.pk for o in organizations]

    def by_quarter(
        rows: QuerySet[Any], field: str, organization: str
    ) -> dict[tuple[int, Any], int]:
        grouped = (
            rows.annotate(quarter=TruncQuarter(field))
            .order_by()
            .values(organization, "quarter")
            .annotate(n=Count("pk"))
        )
        return {(row[organization], row["quarter"].date()): row["n"] for row in grouped}

    meetings = by_quarter(
        Registration.objects.filter(
            attended=True, person__organization_id__in=ids, event__starts_at__gte=since
        ),
        "event__starts_at",
        "person__organization_id",
    )
    answers = by_quarter(
        ConsultationAnswer.objects.filter(organization_id__in=ids, answered_at__gte=since),
        "answered_at",
        "organization_id",
    )
    shared = by_quarter(
        Resource.objects.filter(organization_id__in=ids, created_at__gte=since),
        "created_at",
        "organization_id",
    )
    positions = positions_by_quarter(ids, since)
    return [
        Engagement(
            organization=o,
            meetings=[meetings.get((o.pk, q), 0) for q in starts],
            answers=[answers.get((o.pk, q), 0) for q in starts],
            positions=[positions.get((o.pk, q), 0) for q in starts],
            resources=[shared.get((o.pk, q), 0) for q in starts],
        )
        for o in organizations
    ]
