"""The communication app's write path: meetings and workshops, registrations with a
waiting list, attendance and minutes, working groups with their members, objectives and
outputs, and the reminders sent before events."""

from __future__ import annotations

import ipaddress
import logging
import re
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.communication import digest
from minga.communication.models import (
    ChannelKind,
    ChatChannel,
    Consultation,
    ConsultationAnswer,
    ConsultationKind,
    DigestPreference,
    Event,
    EventKind,
    EventReminder,
    Frequency,
    GroupMember,
    GroupObjective,
    GroupOutput,
    Initiative,
    Licence,
    News,
    Recurrence,
    Registration,
    RegistrationStatus,
    Resource,
    ResourceLanguage,
    WorkingGroup,
    WorkshopTopic,
)
from minga.core import intake
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.mail import send_templated_mail
from minga.core.models import Network, Organization, Person, Theme, User, check_choice
from minga.core.permissions import Action, can, require

if TYPE_CHECKING:
    from minga.core.permissions import Actor

log = logging.getLogger(__name__)

# Registered people hear this long before each occurrence.
REMINDER_BEFORE = timedelta(hours=24)
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "topic",
    "topic_other",
    "starts_at",
    "ends_at",
    "time_zone",
    "recurrence",
    "occurrences",
    "link",
    "place",
    "speakers",
    "external_speakers",
    "capacity",
    "public",
)


def may_manage_group(actor: Actor, group: WorkingGroup) -> bool:
    return can(actor, Action.MANAGE_EVENTS, group.network) or group.led_by(actor)


def _require_organizer(actor: Actor, network: Network, group: WorkingGroup | None) -> None:
    """Coordinators organize any event; a working group's leads, their group's."""
    require(actor, Action.VIEW_EVENTS, network)
    if can(actor, Action.MANAGE_EVENTS, network):
        return
    if group is None or not group.led_by(actor):
        raise PermissionDenied


def _person(actor: Actor, network: Network) -> Person:
    person = (
        Person.objects.filter(network=network, user=actor).first()
        if isinstance(actor, User)
        else None
    )
    if person is None:
        raise PermissionDenied
    return person


# Events -------------------------------------------------------------------------------


@transaction.atomic
def save_event(
    *,
    actor: Actor,
    network: Network,
    event: Event | None = None,
    group: WorkingGroup | None = None,
    **fields: Any,
) -> Event:
    """Plan a meeting or workshop, or change one. Each change raises the event's sequence,
    so subscribed calendars replace their copy."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not event fields: {sorted(unknown)}")
    if group is not None and group.network_id != network.pk:
        raise ValidationError({"group": _("This working group is not in this network.")})
    # A group's lead changes their group's events, and moves them only to a group they lead.
    if event is not None:
        _require_organizer(actor, network, event.group)
    if group is not None or event is None:
        _require_organizer(actor, network, group)
    row = event or Event(network=network, created_by=actor if isinstance(actor, User) else None)
    # The public, no-login feed carries what coordinators mark public, and only that.
    if "public" in fields and bool(fields["public"]) != bool(row.public):
        require(actor, Action.MANAGE_EVENTS, network)
    for field, value in fields.items():
        setattr(row, field, value.strip() if isinstance(value, str) else value)
    row.group = group if group is not None or event is None else row.group
    if not row.time_zone:
        row.time_zone = network.time_zone
    check_choice("kind", row.kind, EventKind.values)
    if row.topic:
        check_choice("topic", row.topic, WorkshopTopic.values)
    check_choice("recurrence", row.recurrence, Recurrence.values)
    if not row.title:
        raise ValidationError({"title": _("Give the event a title.")})
    if row.starts_at is None or row.ends_at is None:
        raise ValidationError({"starts_at": _("Give when it starts and ends.")})
    if row.ends_at <= row.starts_at:
        raise ValidationError({"ends_at": _("It must end after it starts.")})
    if row.ends_at - row.starts_at > timedelta(days=14):
        raise ValidationError({"ends_at": _("An event lasts at most 14 days.")})
    if row.time_zone not in zoneinfo.available_timezones():
        raise ValidationError(
            {
                "time_zone": _("%(value)s is not a time zone (for example America/Bogota).")
                % {"value": row.time_zone}
            }
        )
    if row.recurrence == Recurrence.NONE:
        row.occurrences = 1
    if row.pk is not None:
        row.sequence += 1
    row.full_clean(exclude=["network", "group", "created_by", "last_ends_at"])
    row.save()
    if event is not None:
        promote(Event.objects.select_for_update().get(pk=row.pk))  # more places: the queue moves
    record(actor=actor, action=AuditEvent.EVENT_SAVE, target=row, network=network)
    return row


@transaction.atomic
def cancel_event(*, actor: Actor, event: Event) -> Event:
    _require_organizer(actor, event.network, event.group)
    event.cancelled = True
    event.sequence += 1
    event.save(update_fields=["cancelled", "sequence", "updated_at"])
    record(actor=actor, action=AuditEvent.EVENT_CANCEL, target=event, network=event.network)
    return event


@transaction.atomic
def save_minutes(*, actor: Actor, event: Event, agenda: str, minutes: str) -> Event:
    _require_organizer(actor, event.network, event.group)
    event.agenda, event.minutes = agenda.strip(), minutes.strip()
    event.save(update_fields=["agenda", "minutes", "updated_at"])
    record(actor=actor, action=AuditEvent.EVENT_MINUTES, target=event, network=event.network)
    return event


@transaction.atomic
def set_attendance(*, actor: Actor, event: Event, attended: dict[int, bool]) -> int:
    """Who attended, by registration id; how many were recorded."""
    _require_organizer(actor, event.network, event.group)
    rows = {r.pk: r for r in event.registrations.filter(pk__in=list(attended))}
    unknown = set(attended) - set(rows)
    if unknown:
        raise ValidationError(
            {
                "attended": _("Not registrations of this event: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in sorted(unknown))}
            }
        )
    for pk, present in attended.items():
        rows[pk].attended = present
    Registration.objects.bulk_update(rows.values(), ["attended"])
    record(
        actor=actor,
        action=AuditEvent.EVENT_ATTENDANCE,
        target=event,
        network=event.network,
        data={"present": sum(1 for v in attended.values() if v)},
    )
    return len(rows)


def _open_places(event: Event) -> int | None:
    if event.capacity is None:
        return None
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    return max(event.capacity - taken, 0)


@transaction.atomic
def register(*, actor: Actor, event: Event) -> Registration:
    """A place, or a place on the waiting list when the event is full. Registering again
    changes nothing."""
    require(actor, Action.VIEW_EVENTS, event.network)
    person = _person(actor, event.network)
    # One registration at a time per event, so two people never take the last place.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.cancelled:
        raise ValidationError({"event": _("This event was cancelled.")})
    if locked.last_ends_at < timezone.now():
        raise ValidationError({"event": _("This event is over.")})
    current = Registration.objects.filter(event=locked, person=person).first()
    if current is not None and current.status != RegistrationStatus.CANCELLED:
        return current
    places = _open_places(locked)
    queue = locked.registrations.filter(status=RegistrationStatus.WAITING).exists()
    # Nobody passes those already waiting: a free place is theirs first.
    status = (
        RegistrationStatus.WAITING
        if queue or (places is not None and places <= 0)
        else RegistrationStatus.REGISTERED
    )
    if current is None:
        current = Registration.objects.create(event=locked, person=person, status=status)
    else:
        current.status, current.queued_at, current.attended = status, timezone.now(), None
        current.save(update_fields=["status", "queued_at", "attended"])
    record(actor=actor, action=AuditEvent.EVENT_REGISTER, target=locked, network=event.network)
    return current


@transaction.atomic
def unregister(*, actor: Actor, event: Event) -> Registration | None:
    """Give up one's place; the first on the waiting list takes it, and is told."""
    require(actor, Action.VIEW_EVENTS, event.network)
    person = _person(actor, event.network)
    locked = Event.objects.select_for_update().get(pk=event.pk)
    current = Registration.objects.filter(event=locked, person=person).first()
    if current is None or current.status == RegistrationStatus.CANCELLED:
        return None
    had_place = current.status == RegistrationStatus.REGISTERED
    current.status = RegistrationStatus.CANCELLED
    current.save(update_fields=["status"])
    record(actor=actor, action=AuditEvent.EVENT_UNREGISTER, target=locked, network=event.network)
    if had_place:
        promote(locked)
    return current


def promote(event: Event) -> list[Registration]:
    """Give the free places to those waiting, in order, and tell them after the commit:
    after a cancellation, or when the capacity grew. Not for an event cancelled or over."""
    if event.cancelled or event.last_ends_at < timezone.now():
        return []
    promoted = []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "queued_at", "pk"
    )
    for registration in waiting[:500]:
        places = _open_places(event)
        if places is not None and places <= 0:
            break
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
        promoted.append(registration)
    for registration in promoted:
        transaction.on_commit(partial(_tell_promoted, registration.pk))
    return promoted


def _tell_promoted(registration_pk: int) -> None:
    registration = (
        Registration.objects.select_related("event__network", "person__user")
        .filter(pk=registration_pk, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if registration is None or not registration.person.user.email:
        return
    try:
        send_templated_mail(
            to=registration.person.user.email,
            template="communication/mail/place",
            context={"registration": registration, "event": registration.event},
            language=registration.person.user.language or None,
        )
    except Exception:  # the place is theirs even if the mail did not go
        log.exception("telling %s of their place failed", registration.person.user.email)


def remind_registered(now: datetime | None = None) -> int:
    """Mail each registered person a day before each occurrence they registered for; how
    many mails went. Each (registration, occurrence) is claimed by inserting its row
    first, so a second run, or a second worker, sends nothing again."""
    now = now or timezone.now()
    horizon = now + REMINDER_BEFORE
    sent = 0
    events = Event.objects.filter(
        cancelled=False, starts_at__lte=horizon, last_ends_at__gte=now
    ).select_related("network")
    for event in events.iterator():
        coming = [start for start, _end in event.dates() if now < start <= horizon]
        if not coming:
            continue
        registrations = event.registrations.filter(
            status=RegistrationStatus.REGISTERED
        ).select_related("person__user")
        for registration in registrations:
            for start in coming:
                try:
                    with transaction.atomic():
                        EventReminder.objects.create(registration=registration, occurrence=start)
                except IntegrityError:
                    continue  # sent already
                if not registration.person.user.email:
                    continue
                try:
                    send_templated_mail(
                        to=registration.person.user.email,
                        template="communication/mail/reminder",
                        context={"event": event, "start": start, "person": registration.person},
                        language=registration.person.user.language or None,
                    )
                    sent += 1
                except Exception:  # one refused address must not stop the others
                    log.exception("event reminder to %s failed", registration.person.user.email)
    return sent


# Working groups ---------------------------------------------------------------------------


@transaction.atomic
def save_group(
    *,
    actor: Actor,
    network: Network,
    group: WorkingGroup | None = None,
    name: str,
    description: str = "",
) -> WorkingGroup:
    if group is None:
        require(actor, Action.MANAGE_EVENTS, network)
    elif not may_manage_group(actor, group):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the working group.")})
    clash = WorkingGroup.objects.filter(network=network, name=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"name": _("This network already has a group with this name.")})
    row = group or WorkingGroup(network=network)
    row.name, row.description = name[:200], description.strip()
    row.save()
    record(actor=actor, action=AuditEvent.GROUP_SAVE, target=row, network=network)
    return row


@transaction.atomic
def set_group_member(
    *, actor: Actor, group: WorkingGroup, person: Person, lead: bool = False
) -> GroupMember:
    """Add a person to a working group, or change whether they coordinate it. Only
    coordinators name a group's leads."""
    if not may_manage_group(actor, group):
        raise PermissionDenied
    if person.network_id != group.network_id:
        raise ValidationError({"person": _("This person is not in this network.")})
    # Only coordinators change who leads, either way.
    was_lead = GroupMember.objects.filter(group=group, person=person, lead=True).exists()
    if lead != was_lead and not can(actor, Action.MANAGE_EVENTS, group.network):
        raise PermissionDenied
    member, _created = GroupMember.objects.update_or_create(
        group=group, person=person, defaults={"lead": lead}
    )
    record(actor=actor, action=AuditEvent.GROUP_MEMBERS, target=group, network=group.network)
    return member


@transaction.atomic
def remove_group_member(*, actor: Actor, member: GroupMember) -> None:
    group = member.group
    if not may_manage_group(actor, group):
        raise PermissionDenied
    if member.lead and not can(actor, Action.MANAGE_EVENTS, group.network):
        raise PermissionDenied  # only coordinators change who leads
    member.delete()
    record(actor=actor, action=AuditEvent.GROUP_MEMBERS, target=group, network=group.network)


def _check_progress(progress: Decimal) -> None:
    if not Decimal(0) <= progress <= Decimal(100):
        raise ValidationError({"progress": _("Give a percentage between 0 and 100.")})


@transaction.atomic
def save_objective(
    *,
    actor: Actor,
    group: WorkingGroup,
    objective: GroupObjective | None = None,
    year: int,
    title: str,
    progress: Decimal = Decimal(0),
) -> GroupObjective:
    """An annual objective of the group, with how far it has come."""
    if not may_manage_group(actor, group):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Say what the objective is.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    _check_progress(progress)
    row = objective or GroupObjective(group=group)
    row.year, row.title, row.progress = year, title.strip()[:300], progress
    row.save()
    record(actor=actor, action=AuditEvent.GROUP_OBJECTIVES, target=group, network=group.network)
    return row


@transaction.atomic
def add_output(
    *, actor: Actor, group: WorkingGroup, title: str, on: date, url: str = ""
) -> GroupOutput:
    if not may_manage_group(actor, group):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Name the output.")})
    row = GroupOutput(group=group, title=title.strip()[:300], on=on, url=url.strip())
    row.full_clean(exclude=["group"])
    row.save()
    record(actor=actor, action=AuditEvent.GROUP_OBJECTIVES, target=group, network=group.network)
    return row


# The digest -------------------------------------------------------------------------------


@transaction.atomic
def set_digest_frequency(*, actor: Actor, person: Person, frequency: str) -> DigestPreference:
    """How often one gets the digest: one's own choice (or a coordinator's)."""
    require(actor, Action.VIEW_EVENTS, person.network)
    own = isinstance(actor, User) and person.user_id == actor.pk
    if not own and not can(actor, Action.MANAGE_EVENTS, person.network):
        raise PermissionDenied
    check_choice("frequency", frequency, Frequency.values)
    found, _created = DigestPreference.objects.update_or_create(
        person=person, defaults={"frequency": frequency}
    )
    return found


@transaction.atomic
def unsubscribe(*, person: Person) -> DigestPreference:
    """One click from the mail (its signed link is the credential): no more digests."""
    found, _created = DigestPreference.objects.update_or_create(
        person=person, defaults={"frequency": Frequency.NONE}
    )
    return found


@transaction.atomic
def post_news(*, actor: Actor, network: Network, title: str, body: str = "") -> News:
    require(actor, Action.MANAGE_EVENTS, network)
    if not title.strip():
        raise ValidationError({"title": _("Give the news a title.")})
    news = News.objects.create(
        network=network,
        title=title.strip()[:300],
        body=body.strip(),
        published_at=timezone.now(),
        author=actor if isinstance(actor, User) else None,
    )
    record(actor=actor, action=AuditEvent.NEWS_POST, target=news, network=network)
    return news


def _is_global_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return False


def _check_webhook(url: str) -> None:
    """An address on the internet, over https: a webhook must not reach into the server's
    own network (`MINGA_WEBHOOKS_TO_LOOPBACK` lets the tests' fakes on loopback in)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    loopback = getattr(settings, "MINGA_WEBHOOKS_TO_LOOPBACK", False)
    host = parts.hostname or ""
    if loopback and host in ("127.0.0.1", "localhost") and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https" or not host:
        raise ValidationError({"url": _("Give the webhook's https:// address.")})
    # A host written as a number in any form ("127.1", "2130706433", "0x7f000001") is an
    # address in disguise; every address a name resolves to must be on the internet.
    if re.fullmatch(r"[0-9a-fx.:\[\]]+", host.rstrip(".")) and not _is_global_ip(host):
        raise ValidationError({"url": _("Give an address on the internet.")})
    try:
        digest.check_destination(url)
    except (OSError, ValueError) as exc:
        raise ValidationError({"url": _("Give an address on the internet.")}) from exc


@transaction.atomic
def save_channel(
    *,
    actor: Actor,
    network: Network,
    channel: ChatChannel | None = None,
    kind: str,
    url: str,
    chat_id: str = "",
    active: bool = True,
) -> ChatChannel:
    """A chat channel that also gets the digest's news: coordinators configure it."""
    require(actor, Action.MANAGE_EVENTS, network)
    check_choice("kind", kind, ChannelKind.values)
    _check_webhook(url.strip())
    if kind == ChannelKind.TELEGRAM and not chat_id.strip():
        raise ValidationError({"chat_id": _("Give the Telegram chat's id.")})
    row = channel or ChatChannel(network=network)
    row.kind, row.url, row.chat_id, row.active = kind, url.strip(), chat_id.strip(), active
    row.save()
    record(actor=actor, action=AuditEvent.CHANNEL_SAVE, target=network, network=network)
    return row


def send_digests(*, actor: Actor, network: Network, period_name: str | None = None) -> int:
    """Send the period's digests (this week's by default); how many went."""
    require(actor, Action.MANAGE_EVENTS, network)
    try:
        when = (
            digest.period(period_name) if period_name else digest.current_period(Frequency.WEEKLY)
        )
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    return digest.send(network, when)


# Initiatives and resources ---------------------------------------------------------------


MAX_RESOURCE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _own_or_coordinator(actor: Actor, network: Network, organization: Organization) -> None:
    require(actor, Action.VIEW_EVENTS, network)
    if organization.network_id != network.pk:
        raise ValidationError({"organization": _("This organization is not in this network.")})
    if can(actor, Action.MANAGE_EVENTS, network):
        return
    if not Person.objects.filter(
        network=network, user=actor if isinstance(actor, User) else None, organization=organization
    ).exists():
        raise PermissionDenied


def _links(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not line.startswith(("https://", "http://")) or len(line) > 500:
            raise ValidationError(
                {"links": _("%(value)s is not a web address.") % {"value": line[:80]}}
            )
        found.append(line)
    return found[:10]


@transaction.atomic
def promote_initiative(
    *,
    actor: Actor,
    network: Network,
    organization: Organization,
    title: str,
    description: str = "",
    links: list[str] | None = None,
    image: bytes | None = None,
    image_name: str = "image",
) -> Initiative:
    """A member's own initiative, on the network's pages and in the digest: for their own
    organization (coordinators, for any)."""
    _own_or_coordinator(actor, network, organization)
    if not title.strip():
        raise ValidationError({"title": _("Give the initiative a title.")})
    picture, picture_type = None, ""
    if image:
        try:
            intake.check_size(len(image), image_name, MAX_IMAGE_BYTES)
            picture, picture_type = intake.clean_image(image, image_name)
        except intake.IntakeError as exc:
            raise ValidationError({"image": [exc.message]}) from exc
    initiative = Initiative.objects.create(
        network=network,
        organization=organization,
        title=title.strip()[:300],
        description=description.strip(),
        links=_links(links or []),
        image=picture,
        image_type=picture_type,
        created_by=actor if isinstance(actor, User) else None,
    )
    record(actor=actor, action=AuditEvent.INITIATIVE_PROMOTE, target=initiative, network=network)
    return initiative


@transaction.atomic
def share_resource(
    *,
    actor: Actor,
    network: Network,
    title: str,
    description: str = "",
    url: str = "",
    content: bytes | None = None,
    file_name: str = "",
    language: str = "es",
    themes: list[Theme] | None = None,
    licence: str = "cc-by",
) -> Resource:
    """A useful resource for the network: a file (through the intake: its type by its
    content, at most 20 MB, no markup) or a link."""
    require(actor, Action.VIEW_EVENTS, network)
    if not title.strip():
        raise ValidationError({"title": _("Give the resource a title.")})
    if not content and not url.strip():
        raise ValidationError({"file": _("Attach a file or give a link.")})
    check_choice("language", language, ResourceLanguage.values)
    check_choice("licence", licence, Licence.values)
    kind, size = "", 0
    if content:
        name = (file_name or "file").replace("/", "_").replace("\\", "_")[:200]
        try:
            intake.check_size(len(content), name, MAX_RESOURCE_BYTES)
            kind = intake.document_type(content, name)
        except intake.IntakeError as exc:
            raise ValidationError({"file": [exc.message]}) from exc
        file_name, size = name, len(content)
    person = (
        Person.objects.filter(network=network, user=actor).first()
        if isinstance(actor, User)
        else None
    )
    resource = Resource(
        network=network,
        title=title.strip()[:300],
        description=description.strip(),
        url=url.strip() if not content else "",
        content=content or None,
        file_name=file_name if content else "",
        content_type=kind,
        size=size,
        language=language,
        licence=licence,
        shared_by=person,
        organization=person.organization if person else None,
    )
    resource.full_clean(exclude=["network", "themes", "shared_by", "organization", "content"])
    resource.save()
    if themes:
        resource.themes.set(themes)
    record(actor=actor, action=AuditEvent.RESOURCE_SHARE, target=resource, network=network)
    return resource


def count_download(resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(downloads=F("downloads") + 1)


@transaction.atomic
def remove_resource(*, actor: Actor, resource: Resource) -> None:
    """Who shared it, or a coordinator."""
    require(actor, Action.VIEW_EVENTS, resource.network)
    mine = resource.shared_by is not None and resource.shared_by.user_id == getattr(
        actor, "pk", None
    )
    if not mine and not can(actor, Action.MANAGE_EVENTS, resource.network):
        raise PermissionDenied
    record(
        actor=actor, action=AuditEvent.RESOURCE_REMOVE, target=resource, network=resource.network
    )
    resource.delete()


# Quick consultations ---------------------------------------------------------------------


@transaction.atomic
def open_consultation(
    *,
    actor: Actor,
    network: Network,
    question: str,
    kind: str,
    closes_at: datetime,
    choices: list[str] | None = None,
    opens_at: datetime | None = None,
) -> Consultation:
    """A question answerable in five minutes, open until `closes_at`."""
    require(actor, Action.MANAGE_EVENTS, network)
    check_choice("kind", kind, ConsultationKind.values)
    if not question.strip():
        raise ValidationError({"question": _("Ask the question.")})
    options = [c.strip()[:200] for c in choices or [] if c.strip()]
    if kind == ConsultationKind.CHOICE and not 2 <= len(set(options)) <= 12:
        raise ValidationError({"choices": _("Give between 2 and 12 different choices.")})
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("It must close after it opens.")})
    consultation = Consultation.objects.create(
        network=network,
        question=question.strip()[:300],
        kind=kind,
        choices=list(dict.fromkeys(options)) if kind == ConsultationKind.CHOICE else [],
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor if isinstance(actor, User) else None,
    )
    record(actor=actor, action=AuditEvent.CONSULTATION_OPEN, target=consultation, network=network)
    return consultation


@transaction.atomic
def answer_consultation(
    *,
    actor: Actor,
    consultation: Consultation,
    choice: str = "",
    rating: int | None = None,
    text: str = "",
) -> ConsultationAnswer:
    """One's answer; changed again until the consultation closes."""
    network = consultation.network
    require(actor, Action.VIEW_EVENTS, network)
    person = _person(actor, network)
    if not consultation.is_open():
        raise ValidationError({"consultation": _("This consultation is closed.")})
    values: dict[str, Any] = {"choice": "", "rating": None, "text": ""}
    if consultation.kind == ConsultationKind.CHOICE:
        if choice not in consultation.choices:
            raise ValidationError({"choice": _("Choose one of the answers offered.")})
        values["choice"] = choice
    elif consultation.kind == ConsultationKind.RATING:
        if rating is None or not 1 <= rating <= 5:
            raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
        values["rating"] = rating
    else:
        if not text.strip():
            raise ValidationError({"text": _("Write your answer.")})
        values["text"] = text.strip()[:1000]
    found, _created = ConsultationAnswer.objects.update_or_create(
        consultation=consultation,
        person=person,
        defaults={**values, "organization": person.organization},
    )
    return found
