"""Derived reads of communication: upcoming and past events (paged), the calendars'
events, the year at a glance against the method's rhythm, registrations and the waiting
list, working groups. Bounded by what a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from minga.communication import rhythm
from minga.communication.models import (
    Digest,
    Event,
    Registration,
    RegistrationStatus,
    WorkingGroup,
)
from minga.core.models import Network, Person

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
    return list(rows.select_related("network").order_by("starts_at", "pk")[:FEED_LIMIT])


def year_at_a_glance(network: Network, year: int) -> rhythm.Year:
    """The year's months against the rhythm, from every occurrence (in the network's
    time zone) of the events that are not cancelled."""
    zone = ZoneInfo(network.time_zone)
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
