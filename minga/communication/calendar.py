"""The network's calendars as iCalendar (RFC 5545), written by the `icalendar` package:
a public feed per network (only the events its coordinators mark public), a private feed
per person (every event of the network), and one event's file. Times carry their zone
with its VTIMEZONE (never floating); a monthly meeting is one VEVENT with an RRULE.

A private feed's address is its credential: an HMAC of the person and their key's
version, so the database holds nothing that opens it, and a reset ends the old address."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from minga.communication.models import CalendarKey, Event, Recurrence
from minga.core.models import Network, Person
from minga.financing.queries import Deadline

PRODID = "-//Minga//Collaborative networks//ES"
_SALT = "minga.communication.calendar"


def private_token(person: Person) -> str:
    key, _created = CalendarKey.objects.get_or_create(person=person)
    return _token(person.pk, key.version)


def _token(person_pk: int, version: int) -> str:
    digest = salted_hmac(_SALT, f"{person_pk}:{version}", algorithm="sha256").hexdigest()
    return f"{person_pk}-{digest[:40]}"


def person_for_token(network: Network, token: str) -> Person | None:
    """The person whose private feed `token` opens, in this network; None otherwise."""
    pk_text, _dash, _digest = token.partition("-")
    if not pk_text.isdigit():
        return None
    person = Person.objects.select_related("user").filter(network=network, pk=int(pk_text)).first()
    if person is None:
        return None
    key = CalendarKey.objects.filter(person=person).first()
    expected = _token(person.pk, key.version if key else 0)
    return person if hmac.compare_digest(expected, token) else None


def reset_token(person: Person) -> str:
    key, _created = CalendarKey.objects.get_or_create(person=person)
    key.version += 1
    key.save(update_fields=["version"])
    return _token(person.pk, key.version)


def _vevent(event: Event, base_url: str) -> icalendar.Event:
    zone = event.zone
    item = icalendar.Event()
    item.add("uid", f"{event.uid}@minga")
    item.add("dtstamp", event.updated_at.astimezone(UTC))
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    if event.recurrence == Recurrence.MONTHLY and event.occurrences > 1:
        item.add("rrule", {"freq": "monthly", "count": event.occurrences})
    description = event.description
    if event.link:
        description = f"{description}\n\n{event.link}".strip()
    if description:
        item.add("description", description)
    if event.place:
        item.add("location", event.place)
    elif event.link:
        item.add("location", event.link)
    if event.link:
        item.add("url", event.link)
    else:
        item.add("url", f"{base_url}{event.get_absolute_url()}")
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return item


def _deadline(deadline: Deadline, zone: str, base_url: str) -> icalendar.Event:
    """A funding call's or a joint application's deadline, as a moment in the calendar."""
    item = icalendar.Event()
    item.add("uid", f"{deadline.kind}-{deadline.pk}@minga")
    item.add("dtstamp", datetime.now(UTC))
    at = deadline.at.astimezone(ZoneInfo(zone))
    item.add("dtstart", at)
    item.add("dtend", at)
    label = _("Deadline of the call") if deadline.kind == "call" else _("Application deadline")
    item.add("summary", f"{label}: {deadline.title}")
    item.add("url", f"{base_url}{deadline.url}")
    return item


def calendar_bytes(
    events: Iterable[Event], name: str, deadlines: Iterable[Deadline] = (), zone: str = "UTC"
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    base_url = str(settings.MINGA_BASE_URL).rstrip("/")
    for event in events:
        cal.add_component(_vevent(event, base_url))
    for deadline in deadlines:
        cal.add_component(_deadline(deadline, zone, base_url))
    # Every zone used gets its VTIMEZONE, so no time is floating.
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
