"""Communication: the network's meetings and workshops (with registrations, a waiting
list, attendance and minutes), its working groups with their annual objectives, and the
reminders sent before events."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.communication.rhythm import occurrences
from minga.core.models import Network, Person, validate_time_zone


class EventKind(models.TextChoices):
    """The method's rhythm: a monthly virtual meeting, face-to-face meetings, workshops,
    and spaces for reflection."""

    MONTHLY_VIRTUAL = "monthly_virtual", _("Monthly virtual meeting")
    FACE_TO_FACE = "face_to_face", _("Face-to-face meeting")
    WORKSHOP = "workshop", _("Workshop")
    REFLECTION = "reflection", _("Reflection space")


class WorkshopTopic(models.TextChoices):
    SUSTAINABILITY = "sustainability", _("Sustainability")
    COMMUNICATION = "communication", _("Communication")
    PROJECT_DEVELOPMENT = "project_development", _("Project development")
    FUND_DEVELOPMENT = "fund_development", _("Fund development")
    OTHER = "other", _("Another topic")


class Recurrence(models.TextChoices):
    NONE = "none", _("Once")
    MONTHLY = "monthly", _("Every month")


class WorkingGroup(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="working_groups")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="group_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("working_group", args=[self.network.slug, self.pk])

    def led_by(self, user: Any) -> bool:
        """Whether the user coordinates this group (a member marked as its lead)."""
        if not getattr(user, "is_authenticated", False):
            return False
        return self.memberships.filter(person__user=user, lead=True).exists()


class GroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    lead = models.BooleanField(_("coordinates the group"), default=False)

    class Meta:
        ordering = ["-lead", "person__username", "pk"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="member_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.person}"


class GroupObjective(models.Model):
    """An annual objective of a working group, with its progress."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="objectives")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("objective"), max_length=300)
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("group objective")
        verbose_name_plural = _("group objectives")

    def __str__(self) -> str:
        return self.title


class GroupOutput(models.Model):
    """What a working group produced: a document, a statement, a campaign."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(_("output"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    on = models.DateField(_("date"))

    class Meta:
        ordering = ["-on", "pk"]
        verbose_name = _("group output")
        verbose_name_plural = _("group outputs")

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """A meeting or workshop of the network or of one of its working groups. Its times are
    fixed instants; `time_zone` is where it happens (its feed carries that zone, so a
    monthly meeting keeps its wall-clock hour across a daylight-saving change)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="events")
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organized by the working group"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=24, choices=WorkshopTopic.choices, blank=True)
    topic_other = models.CharField(_("other topic"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    recurrence = models.CharField(
        _("repeats"), max_length=8, choices=Recurrence.choices, default=Recurrence.NONE
    )
    occurrences = models.PositiveSmallIntegerField(
        _("how many times"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    link = models.URLField(_("link to join"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    external_speakers = models.BooleanField(_("external speakers"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    public = models.BooleanField(_("in the public calendar"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RFC 5545's SEQUENCE: raised on each change, so calendars replace their copy.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last occurrence's end: what "upcoming" and the rhythm read, on an index.
    last_ends_at = models.DateTimeField(editable=False)
    # Not stored: the occurrence a digest announces (set when the digest reads the event).
    next_start: datetime | None = None

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["network", "last_ends_at"], name="event_upcoming"),
            models.Index(fields=["network", "public", "last_ends_at"], name="event_public"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.last_ends_at = self.dates()[-1][1]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "last_ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("event", args=[self.network.slug, self.pk])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def dates(self) -> list[tuple[datetime, datetime]]:
        """(start, end) of every occurrence, the wall-clock hour kept in the event's zone."""
        count = self.occurrences if self.recurrence == Recurrence.MONTHLY else 1
        return occurrences(self.starts_at, self.ends_at, self.zone, count)

    @property
    def upcoming_start(self) -> datetime:
        """The next occurrence's start (a monthly meeting's, not its first), or the last."""
        now = timezone.now()
        dates = self.dates()
        return next((start for start, end in dates if end >= now), dates[-1][0])

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def topic_label(self) -> str:
        if self.topic == WorkshopTopic.OTHER:
            return self.topic_other or str(WorkshopTopic.OTHER.label)
        return self.get_topic_display() if self.topic else ""


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the person joined the waiting list or got their place: the list's order.
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_once")
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.event}: {self.person}"


class EventReminder(models.Model):
    """A reminder sent before an occurrence: one per registration and occurrence start, so
    the job may run twice (or on two workers) and nobody hears twice."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    occurrence = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "occurrence"], name="event_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.occurrence}"


class CalendarKey(models.Model):
    """What a person's private calendar address is derived from: the address is an HMAC of
    the person and this version (`communication.calendar.private_token`), never stored;
    resetting raises the version, and the old address stops working."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_key")
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.version}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    NONE = "none", _("Never")


class DigestPreference(models.Model):
    """How often a person gets the network's digest (weekly unless they chose otherwise)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("digest"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person}: {self.frequency}"


class News(models.Model):
    """A piece of network news, posted by its coordinators: the digest's first section."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["network", "published_at"], name="news_published")]

    def __str__(self) -> str:
        return self.title


class DigestStatus(models.TextChoices):
    SENDING = "sending", _("Being sent (interrupted if it stays so)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused")


class Digest(models.Model):
    """One person's digest for one period ("2026-W48" or "2026-12"). The row is claimed
    before the mail goes, so a second run, a second worker or a restart after a crash never
    sends it again; one left `sending` was cut off mid-send and is not retried."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=DigestStatus.choices)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.period}"


class Bounce(models.Model):
    """An address the mail server refused for good (5xx): no digest goes to it again until
    the person's address changes. Shown to coordinators."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bounces")
    address = models.EmailField()
    code = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.address}: {self.code}"


class ChannelKind(models.TextChoices):
    SLACK = "slack", _("Slack (incoming webhook)")
    MATTERMOST = "mattermost", _("Mattermost (incoming webhook)")
    TELEGRAM = "telegram", _("Telegram (bot)")


class ChatChannel(models.Model):
    """Where the digest's news also goes: a Slack- or Mattermost-compatible incoming
    webhook, or a Telegram bot's chat."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="chat_channels")
    kind = models.CharField(_("kind"), max_length=12, choices=ChannelKind.choices)
    url = models.URLField(
        _("webhook address, or the Telegram Bot API's address with the bot token"), max_length=500
    )
    chat_id = models.CharField(_("Telegram chat id"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class ChannelPost(models.Model):
    """One channel's post for one period, claimed before it is sent (as `Digest`)."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="posts")
    period = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=DigestStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "period"], name="post_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.period}"


class Initiative(models.Model):
    """A member organization's own initiative, promoted on the network's pages and in the
    digest."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="initiatives")
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.CASCADE,
        related_name="initiatives",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    # Re-encoded from its pixels at upload (`intake.clean_image`).
    image = models.BinaryField(null=True, blank=True)
    image_type = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["network", "created_at"], name="initiative_new")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiative", args=[self.network.slug, self.pk])


class Licence(models.TextChoices):
    # Creative Commons' own names (translated as they are, or as its translations write them).
    CC_BY = "cc-by", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa", _("CC BY-SA 4.0")
    CC_BY_NC = "cc-by-nc", _("CC BY-NC 4.0")
    CC0 = "cc0", _("CC0 (public domain)")
    RESERVED = "reserved", _("All rights reserved")
    OTHER = "other", _("Another licence")


class ResourceLanguage(models.TextChoices):
    ES = "es", "Español"
    PT = "pt", "Português"
    EN = "en", "English"
    OTHER = "other", _("Another language")


class Resource(models.Model):
    """A useful resource (a tool, a manual, a work guide): a file or a link."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    content = models.BinaryField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    language = models.CharField(
        _("language"), max_length=8, choices=ResourceLanguage.choices, default=ResourceLanguage.ES
    )
    themes = models.ManyToManyField(
        "core.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    licence = models.CharField(
        _("licence"), max_length=12, choices=Licence.choices, default=Licence.CC_BY
    )
    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("shared by"),
    )
    shared_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    # Title and description folded (lower case, no accents): what the search reads, so
    # "participacion" finds "Participación" in every language and on every database.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["network", "created_at"], name="resource_new")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.title}\n{self.description}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("resource", args=[self.network.slug, self.pk])


def fold(text: str) -> str:
    """Lower case without accents: "Participação" → "participacao"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class ConsultationKind(models.TextChoices):
    CHOICE = "choice", _("A choice")
    RATING = "rating", _("A rating from 1 to 5")
    TEXT = "text", _("A short text")


class Consultation(models.Model):
    """A question answerable in five minutes, open for a set time."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="consultations")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("answered with"), max_length=8, choices=ConsultationKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = _("quick consultation")
        verbose_name_plural = _("quick consultations")
        indexes = [models.Index(fields=["network", "closes_at"], name="consultation_open")]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("consultation", args=[self.network.slug, self.pk])

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class ConsultationAnswer(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # The organization the person answered for, kept for the engagement view.
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.CharField(max_length=1000, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "person"], name="answer_once")
        ]
        indexes = [models.Index(fields=["organization", "answered_at"], name="answer_engagement")]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.person_id}"
