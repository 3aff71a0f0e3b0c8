"""The network's digest: one mail per person per period, in their language, with what is new
for them (network news, funding calls closing soon, meetings coming up, proposals waiting
for their position); empty sections are left out and a person with nothing new gets no
mail. The same news goes to the network's chat channels.

Idempotent: each (person, period) and (channel, period) is claimed by inserting its row
before anything is sent, so a second run, a second worker, or a restart after a crash
sends nothing twice. A row left `sending` was cut off mid-send: it is not retried (a
digest may be lost, never doubled) and coordinators see it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from minga.communication.models import (
    Bounce,
    ChannelKind,
    ChannelPost,
    ChatChannel,
    Digest,
    DigestPreference,
    DigestStatus,
    Event,
    Frequency,
    Initiative,
    News,
    Resource,
)
from minga.communication.queries import open_unanswered
from minga.core.models import Network, Person
from minga.financing.queries import closing_soon
from minga.governance.queries import open_for

log = logging.getLogger(__name__)

WEEK = re.compile(r"(\d{4})-W(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
SECTION_LIMIT = 10
UNSUBSCRIBE_SALT = "minga.communication.unsubscribe"


@dataclass(frozen=True)
class Period:
    """A digest's period: an ISO week ("2026-W48") or a month ("2026-12")."""

    name: str
    frequency: str
    first: date  # its first day
    days: int

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), tzinfo=zone)

    def end(self, zone: ZoneInfo) -> datetime:
        return self.start(zone) + timedelta(days=self.days)

    def previous_start(self, zone: ZoneInfo) -> datetime:
        if self.frequency == Frequency.WEEKLY:
            return self.start(zone) - timedelta(days=7)
        before = self.first - timedelta(days=1)
        return datetime.combine(before.replace(day=1), datetime.min.time(), tzinfo=zone)


def period(name: str) -> Period:
    """ValueError unless `name` is a week ("2026-W48") or a month ("2026-12")."""
    week = WEEK.fullmatch(name)
    if week:
        first = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        return Period(name, Frequency.WEEKLY, first, 7)
    month = MONTH.fullmatch(name)
    if month and 1 <= int(month.group(2)) <= 12:
        first = date(int(month.group(1)), int(month.group(2)), 1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(name, Frequency.MONTHLY, first, (following - first).days)
    raise ValueError(f"{name!r} is neither a week (2026-W48) nor a month (2026-12)")


def current_period(frequency: str, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if frequency == Frequency.MONTHLY:
        return period(f"{today.year}-{today.month:02d}")
    year, week, _day = today.isocalendar()
    return period(f"{year}-W{week:02d}")


@dataclass
class Content:
    """What is new for one person in one period; empty sections are left out."""

    news: list[News] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    proposals: list[Any] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    consultations: list[Any] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.consultations
            or self.news
            or self.calls
            or self.events
            or self.proposals
            or self.initiatives
            or self.resources
        )


@dataclass
class NetworkContent:
    """What every person of the network shares in a period: read once per network."""

    news: list[News]
    calls: list[Any]
    events: list[Event]
    initiatives: list[Initiative]
    resources: list[Resource]
    # Whether any proposal is open: if none, nobody's proposals are read one by one.
    proposals_open: bool = False


def network_content(network: Network, when: Period) -> NetworkContent:
    zone = network.zone()
    start, end = when.start(zone), when.end(zone)
    # What is new: published in the period before this one (whole, so nothing is told
    # twice, however late in the week the digest goes).
    since = when.previous_start(zone)
    news = list(
        News.objects.filter(network=network, published_at__gte=since, published_at__lt=start)[
            :SECTION_LIMIT
        ]
    )
    calls = list(
        closing_soon(network, days=when.days + 14).filter(deadline__gte=start)[:SECTION_LIMIT]
    )
    # Coming up: an occurrence (a monthly meeting's next one, not its first) from now, or
    # the period's start, until two weeks after the period.
    horizon = end + timedelta(days=14)
    begin = max(start, timezone.now())
    dated = []
    for event in (
        Event.objects.filter(
            network=network, cancelled=False, last_ends_at__gte=begin, starts_at__lt=horizon
        )
        .select_related("network")
        .order_by("starts_at", "pk")[:200]
    ):
        coming = [s for s, _e in event.dates() if begin <= s < horizon]
        if coming:
            event.next_start = coming[0]
            dated.append((coming[0], event.pk, event))
    events = [event for _start, _pk, event in sorted(dated)[:SECTION_LIMIT]]
    initiatives = list(
        Initiative.objects.filter(network=network, created_at__gte=since, created_at__lt=start)
        .select_related("organization", "network")
        .defer("image")[:SECTION_LIMIT]
    )
    resources = list(
        Resource.objects.filter(network=network, created_at__gte=since, created_at__lt=start)
        .select_related("network")
        .defer("content")[:SECTION_LIMIT]
    )
    proposals_open = network.proposals.filter(state="open").exists()
    return NetworkContent(news, calls, events, initiatives, resources, proposals_open)


def content_for(person: Person, shared: NetworkContent) -> Content:
    return Content(
        news=shared.news,
        calls=shared.calls,
        events=shared.events,
        initiatives=shared.initiatives,
        resources=shared.resources,
        consultations=open_unanswered(person, SECTION_LIMIT),
        proposals=open_for(person, SECTION_LIMIT) if shared.proposals_open else [],
    )


def unsubscribe_url(person: Person) -> str:
    token = signing.dumps({"p": person.pk}, salt=UNSUBSCRIBE_SALT)
    base = str(settings.MINGA_BASE_URL).rstrip("/")
    return base + reverse("unsubscribe", args=[person.network.slug, token])


def person_for_unsubscribe(token: str) -> Person | None:
    try:
        found = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Person.objects.select_related("network").filter(pk=found.get("p")).first()


def language_of(person: Person) -> str:
    return person.user.language or (person.network.languages or ["es"])[0]


def message(person: Person, content: Content, when: Period) -> EmailMultiAlternatives:
    """The digest as a mail with a text and an HTML part and one-click unsubscribe."""
    unsubscribe = unsubscribe_url(person)
    context = {
        "person": person,
        "network": person.network,
        "content": content,
        "period": when,
        "unsubscribe": unsubscribe,
        "base_url": str(settings.MINGA_BASE_URL).rstrip("/"),
        "language": language_of(person),
    }
    with translation.override(language_of(person)):
        subject = " ".join(
            render_to_string("communication/mail/digest_subject.txt", context).split()
        )
        text = render_to_string("communication/mail/digest.txt", context)
        html = render_to_string("communication/mail/digest.html", context)
    mail = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [person.user.email],
        headers={
            # RFC 8058: a mail client may unsubscribe with one POST, no login.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{person.network.name} <{person.network.slug}.minga>",
        },
    )
    mail.attach_alternative(html, "text/html")
    return mail


def recipients(network: Network, when: Period) -> Any:
    """The network's people who get this period's digest: their frequency, an address, no
    bounce for that address."""
    people = (
        Person.objects.filter(network=network, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "network", "organization")
        .order_by("pk")
    )
    if when.frequency == Frequency.WEEKLY:
        people = people.exclude(
            digest_preference__frequency__in=[Frequency.MONTHLY, Frequency.NONE]
        )
    else:
        people = people.filter(digest_preference__frequency=Frequency.MONTHLY)
    return people


def _claim(person: Person, when: Period) -> Digest | None:
    try:
        with transaction.atomic():
            return Digest.objects.create(
                person=person, period=when.name, status=DigestStatus.SENDING
            )
    except IntegrityError:
        return None  # claimed already: sent, refused, or cut off by a crash


def send(network: Network, when: Period, *, stop_after: int | None = None) -> int:
    """Send the period's digests; how many went. `stop_after` ends the run early (the
    crash test's stand-in for a killed worker)."""
    shared = network_content(network, when)
    # Read once for the whole run, not once per person; the claim below still decides.
    claimed_before = set(
        Digest.objects.filter(person__network=network, period=when.name).values_list(
            "person_id", flat=True
        )
    )
    bounced = {
        (person, address.lower())
        for person, address in Bounce.objects.filter(person__network=network).values_list(
            "person_id", "address"
        )
    }
    sent = 0
    connection = get_connection()
    connection.open()
    try:
        for person in recipients(network, when).iterator(chunk_size=500):
            if person.pk in claimed_before or (person.pk, person.user.email.lower()) in bounced:
                continue
            content = content_for(person, shared)
            if not content:
                continue  # nothing new: no mail
            claimed = _claim(person, when)
            if claimed is None:
                continue
            mail = message(person, content, when)
            mail.connection = connection
            try:
                mail.send()
            except smtplib.SMTPRecipientsRefused as exc:
                # The server refused this address: a 5xx is for good.
                code, reason = next(iter(exc.recipients.values()), (550, b""))
                _refused(claimed, person, code, reason)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # The server refused the sender or the message, or went away: nobody's
                # address is at fault. This one stays cut off; the run stops here.
                claimed.status, claimed.error = DigestStatus.FAILED, str(exc)[:300]
                claimed.save(update_fields=["status", "error"])
                log.error("the digest run for %s stopped: %s", network.slug, exc)
                break
            claimed.status, claimed.sent_at = DigestStatus.SENT, timezone.now()
            claimed.save(update_fields=["status", "sent_at"])
            sent += 1
            if stop_after is not None and sent >= stop_after:
                break
    finally:
        connection.close()
    send_to_channels(network, when, shared)
    return sent


def _refused(claimed: Digest, person: Person, code: int, reason: bytes | str) -> None:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    claimed.status, claimed.error = DigestStatus.FAILED, f"{code} {text}"[:300]
    claimed.save(update_fields=["status", "error"])
    if 500 <= code < 600:  # refused for good: not tried every week
        Bounce.objects.create(
            person=person, address=person.user.email, code=code, reason=text[:300]
        )


def preferences(person: Person) -> str:
    found = DigestPreference.objects.filter(person=person).first()
    return found.frequency if found else Frequency.WEEKLY


# Chat channels ---------------------------------------------------------------------------


def channel_text(network: Network, shared: NetworkContent, when: Period) -> str:
    with translation.override((network.languages or ["es"])[0]):
        return render_to_string(
            "communication/mail/channel.txt",
            {
                "network": network,
                "content": shared,
                "period": when,
                "base_url": str(settings.MINGA_BASE_URL).rstrip("/"),
            },
        ).strip()


def _escaped(channel: ChatChannel, text: str) -> str:
    """Members' words as plain text in a chat: no @channel mention, no disguised link."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if channel.kind != ChannelKind.TELEGRAM:
        text = text.replace("@", "@\u200b")  # breaks @all, @channel, @here
    return text


def channel_request(channel: ChatChannel, text: str) -> urllib.request.Request:
    """Slack and Mattermost take `{"text"}` at their webhook; Telegram's Bot API takes
    `sendMessage` with the chat's id."""
    text = _escaped(channel, text)
    if channel.kind == ChannelKind.TELEGRAM:
        url = channel.url.rstrip("/")
        if not url.endswith("/sendMessage"):
            url += "/sendMessage"
        body: dict[str, Any] = {"chat_id": channel.chat_id, "text": text}
    else:
        url, body = channel.url, {"text": text}
    return urllib.request.Request(  # noqa: S310 (the scheme is checked when configured)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )


class _Refuse(urllib.request.HTTPRedirectHandler):
    """A webhook's answer may not send the server elsewhere (into its own network)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        raise urllib.error.HTTPError(args[0].full_url, args[2], "redirect refused", args[4], None)


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def check_destination(url: str) -> None:
    """Every address the webhook's host resolves to now must be on the internet (the check
    when it was configured does not hold if its DNS changed since); loopback is let in only
    for the tests' fakes (`MINGA_WEBHOOKS_TO_LOOPBACK`)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if getattr(settings, "MINGA_WEBHOOKS_TO_LOOPBACK", False) and host in (
        "127.0.0.1",
        "localhost",
    ):
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise ValueError(f"{host} does not resolve to addresses on the internet only")


def send_to_channels(network: Network, when: Period, shared: NetworkContent) -> int:
    if not (shared.news or shared.calls or shared.events or shared.initiatives):
        return 0
    posted = 0
    for channel in ChatChannel.objects.filter(network=network, active=True):
        try:
            with transaction.atomic():
                post = ChannelPost.objects.create(
                    channel=channel, period=when.name, status=DigestStatus.SENDING
                )
        except IntegrityError:
            continue
        try:
            request = channel_request(channel, channel_text(network, shared, when))
            check_destination(request.full_url)
            with _NO_REDIRECTS.open(request, timeout=10) as answer:
                answer.read(1024)
        except (OSError, ValueError) as exc:
            post.status, post.error = DigestStatus.FAILED, str(exc)[:300]
            post.save(update_fields=["status", "error"])
            log.warning("posting the digest to channel %s failed: %s", channel.pk, exc)
            continue
        post.status = DigestStatus.SENT
        post.save(update_fields=["status"])
        posted += 1
    return posted
