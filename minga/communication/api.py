"""API of communication: meetings and workshops (registering, attendance, minutes), the
year at a glance, working groups with their members, objectives and outputs. Times are
ISO 8601 with an offset; `time_zone` is where the event happens."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import base64
import binascii
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from minga.communication import actions, queries
from minga.communication.access import (
    get_consultation_for,
    get_event_for,
    get_group_for,
    get_member_for,
    get_resource_for,
)
from minga.communication.models import (
    Consultation,
    Event,
    Initiative,
    Registration,
    Resource,
    WorkingGroup,
)
from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, named_in_body
from minga.core.models import Theme
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.permissions import Action, can
from minga.core.schemas import Omittable

router = Router(tags=["communication"])

KindName = Literal["monthly_virtual", "face_to_face", "workshop", "reflection"]
TopicName = Literal[
    "", "sustainability", "communication", "project_development", "fund_development", "other"
]


def _aware(value: datetime.datetime, field: str) -> datetime.datetime:
    if value.tzinfo is None:
        raise ValidationError(
            {field: "Give the time with its offset, e.g. 2027-03-01T18:00-05:00."}
        )
    return value


class EventIn(Schema):
    kind: KindName
    title: str = Field(max_length=300)
    description: str = Field("", max_length=20_000)
    topic: TopicName = ""
    topic_other: str = Field("", max_length=200)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str = Field("", max_length=64, description="Empty: the network's.")
    recurrence: Literal["none", "monthly"] = "none"
    occurrences: int = Field(1, ge=1, le=60)
    group: int | None = None
    link: str = Field("", max_length=500)
    place: str = Field("", max_length=300)
    speakers: str = Field("", max_length=300)
    external_speakers: bool = False
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    public: bool = False


class EventPatch(Schema):
    kind: Omittable[KindName] = None
    title: Omittable[str] = Field(None, max_length=300)
    description: Omittable[str] = Field(None, max_length=20_000)
    topic: Omittable[TopicName] = None
    topic_other: Omittable[str] = Field(None, max_length=200)
    starts_at: Omittable[datetime.datetime] = None
    ends_at: Omittable[datetime.datetime] = None
    time_zone: Omittable[str] = Field(None, max_length=64)
    recurrence: Omittable[Literal["none", "monthly"]] = None
    occurrences: Omittable[int] = Field(None, ge=1, le=60)
    link: Omittable[str] = Field(None, max_length=500)
    place: Omittable[str] = Field(None, max_length=300)
    speakers: Omittable[str] = Field(None, max_length=300)
    external_speakers: Omittable[bool] = None
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    public: Omittable[bool] = None


def _rfc3339(moment: datetime.datetime) -> datetime.datetime:
    """An occurrence in its event's zone, as a date-time can carry it: RFC 3339 offsets are
    whole minutes, and a zone's local mean time of long ago is not (Bogotá's was -04:56:16
    until 1914), so such an instant is given in UTC."""
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        return moment.astimezone(datetime.UTC)
    return moment


class OccurrenceOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class EventOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    topic: str
    topic_other: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    recurrence: str
    occurrences: list[OccurrenceOut]
    group: int | None
    link: str
    place: str
    speakers: str
    external_speakers: bool
    capacity: int | None
    registered: int
    waiting: int
    public: bool
    cancelled: bool
    agenda: str
    minutes: str


def event_out(event: Event) -> dict[str, Any]:
    places = queries.places(event)
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "topic": event.topic,
        "topic_other": event.topic_other,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "recurrence": event.recurrence,
        "occurrences": [
            {"starts_at": _rfc3339(start), "ends_at": _rfc3339(end)} for start, end in event.dates()
        ],
        "group": event.group_id,
        "link": event.link,
        "place": event.place,
        "speakers": event.speakers,
        "external_speakers": event.external_speakers,
        "capacity": event.capacity,
        "registered": places.registered,
        "waiting": places.waiting,
        "public": event.public,
        "cancelled": event.cancelled,
        "agenda": event.agenda,
        "minutes": event.minutes,
    }


class EventRow(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    recurrence: str
    group: int | None = Field(alias="group_id")
    public: bool
    cancelled: bool


@router.get("/networks/{slug}/events", response=list[EventRow])
@paginate(PageNumberPagination, page_size=50)
def list_events(request: HttpRequest, slug: str, past: bool = False) -> Any:
    """Upcoming events, soonest first (`past=true`: the past ones, newest first)."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return queries.past(network) if past else queries.upcoming(network)


def _group(network: Any, pk: int | None) -> WorkingGroup | None:
    if pk is None:
        return None
    return named_in_body(WorkingGroup.objects.filter(network=network), pk, "group")


@router.post("/networks/{slug}/events", response={201: EventOut})
def add_event(request: HttpRequest, slug: str, payload: EventIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    data = payload.dict()
    group = _group(network, data.pop("group"))
    _aware(data["starts_at"], "starts_at")
    _aware(data["ends_at"], "ends_at")
    event = actions.save_event(actor=_user(request), network=network, group=group, **data)
    return Status(201, event_out(event))


@router.get("/networks/{slug}/events/{pk}", response=EventOut)
def get_event(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return event_out(get_event_for(request.user, network, pk))


@router.patch("/networks/{slug}/events/{pk}", response=EventOut)
def change_event(request: HttpRequest, slug: str, pk: int, payload: EventPatch) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    data = payload.dict(exclude_unset=True)
    for field in ("starts_at", "ends_at"):
        if field in data:
            _aware(data[field], field)
    saved = actions.save_event(actor=_user(request), network=network, event=event, **data)
    return event_out(saved)


@router.post("/networks/{slug}/events/{pk}/cancel", response=EventOut)
def cancel_event(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = actions.cancel_event(
        actor=_user(request), event=get_event_for(request.user, network, pk)
    )
    return event_out(event)


class RegistrationOut(Schema):
    id: int
    person: int
    status: str
    waiting_position: int | None
    attended: bool | None


def registration_out(registration: Registration | None) -> dict[str, Any] | None:
    if registration is None:
        return None
    return {
        "id": registration.pk,
        "person": registration.person_id,
        "status": registration.status,
        "waiting_position": queries.waiting_position(registration),
        "attended": registration.attended,
    }


@router.put("/networks/{slug}/events/{pk}/registration", response=RegistrationOut)
def register(request: HttpRequest, slug: str, pk: int) -> dict[str, Any] | None:
    """A place, or a place on the waiting list when the event is full."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    return registration_out(actions.register(actor=_user(request), event=event))


@router.delete("/networks/{slug}/events/{pk}/registration", response={204: None})
def unregister(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """Give up one's place; the first on the waiting list takes it."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    actions.unregister(actor=_user(request), event=get_event_for(request.user, network, pk))
    return Status(204, None)


@router.get("/networks/{slug}/events/{pk}/registrations", response=list[RegistrationOut])
@paginate(PageNumberPagination, page_size=100)
def list_registrations(request: HttpRequest, slug: str, pk: int) -> Any:
    """The event's registrations and waiting list: for its organizers."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    if not (
        can(request.user, Action.MANAGE_EVENTS, network)
        or (event.group is not None and event.group.led_by(request.user))
    ):
        raise PermissionDenied
    return SerializedPage(queries.registrations(event), registration_out)  # type: ignore[arg-type]


class AttendanceIn(Schema):
    attended: dict[int, bool] = Field(description="Registration id: attended or not.")


@router.put("/networks/{slug}/events/{pk}/attendance", response=EventOut)
def set_attendance(
    request: HttpRequest, slug: str, pk: int, payload: AttendanceIn
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    actions.set_attendance(actor=_user(request), event=event, attended=payload.attended)
    return event_out(event)


class MinutesIn(Schema):
    agenda: str = Field("", max_length=50_000)
    minutes: str = Field("", max_length=200_000)


@router.put("/networks/{slug}/events/{pk}/minutes", response=EventOut)
def save_minutes(request: HttpRequest, slug: str, pk: int, payload: MinutesIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    return event_out(actions.save_minutes(actor=_user(request), event=event, **payload.dict()))


class MonthOut(Schema):
    month: int
    virtual: int
    workshops: int
    face_to_face: int
    missing: list[str]


class RhythmOut(Schema):
    year: int
    months: list[MonthOut]
    face_to_face: int
    face_to_face_missing: int


@router.get("/networks/{slug}/rhythm", response=RhythmOut)
def get_rhythm(request: HttpRequest, slug: str, year: int) -> dict[str, Any]:
    """The year at a glance against the method's rhythm: `missing` names what a month lacks
    (`monthly_virtual`, `workshop`); at least two face-to-face meetings a year."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Give a year between 2000 and 2100."})
    glance = queries.year_at_a_glance(network, year)
    return {
        "year": glance.year,
        "months": [
            {
                "month": m.month,
                "virtual": m.virtual,
                "workshops": m.workshops,
                "face_to_face": m.face_to_face,
                "missing": m.missing,
            }
            for m in glance.months
        ],
        "face_to_face": glance.face_to_face,
        "face_to_face_missing": glance.face_to_face_missing,
    }


# Working groups -------------------------------------------------------------------------


class GroupIn(Schema):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=20_000)


class GroupMemberOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    lead: bool


class ObjectiveOut(Schema):
    id: int
    year: int
    title: str
    progress: str

    @staticmethod
    def resolve_progress(obj: Any) -> str:
        return f"{obj.progress:.2f}"


class OutputOut(Schema):
    id: int
    title: str
    url: str
    on: datetime.date


class GroupOut(Schema):
    id: int
    name: str
    description: str
    members: list[GroupMemberOut]
    objectives: list[ObjectiveOut]
    outputs: list[OutputOut]


def group_out(group: WorkingGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "description": group.description,
        "members": list(group.memberships.all()[:500]),
        "objectives": list(group.objectives.all()[:200]),
        "outputs": list(group.outputs.all()[:200]),
    }


class GroupRow(Schema):
    id: int
    name: str
    description: str
    members: int


@router.get("/networks/{slug}/groups", response=list[GroupRow])
@paginate(PageNumberPagination, page_size=100)
def list_groups(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return queries.groups(network)


@router.post("/networks/{slug}/groups", response={201: GroupOut})
def add_group(request: HttpRequest, slug: str, payload: GroupIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = actions.save_group(actor=_user(request), network=network, **payload.dict())
    return Status(201, group_out(group))


@router.get("/networks/{slug}/groups/{pk}", response=GroupOut)
def get_group(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return group_out(get_group_for(request.user, network, pk))


@router.put("/networks/{slug}/groups/{pk}", response=GroupOut)
def change_group(request: HttpRequest, slug: str, pk: int, payload: GroupIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    return group_out(
        actions.save_group(actor=_user(request), network=network, group=group, **payload.dict())
    )


class GroupMemberIn(Schema):
    person: int
    lead: bool = False


@router.post("/networks/{slug}/groups/{pk}/members", response=GroupOut)
def set_member(request: HttpRequest, slug: str, pk: int, payload: GroupMemberIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    person = named_in_body(network.people.all(), payload.person, "person")
    actions.set_group_member(actor=_user(request), group=group, person=person, lead=payload.lead)
    return group_out(group)


@router.delete("/networks/{slug}/groups/{pk}/members/{member}", response={204: None})
def remove_member(request: HttpRequest, slug: str, pk: int, member: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    actions.remove_group_member(
        actor=_user(request), member=get_member_for(request.user, network, pk, member)
    )
    return Status(204, None)


class ObjectiveIn(Schema):
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=300)
    progress: str = Field("0", description="Percentage, 0 to 100.")


@router.post("/networks/{slug}/groups/{pk}/objectives", response=GroupOut)
def add_objective(request: HttpRequest, slug: str, pk: int, payload: ObjectiveIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    try:
        progress = Decimal(payload.progress)
    except InvalidOperation as exc:
        raise ValidationError({"progress": "Not a decimal number."}) from exc
    if not progress.is_finite():
        raise ValidationError({"progress": "Not a decimal number."})
    actions.save_objective(
        actor=_user(request), group=group, year=payload.year, title=payload.title, progress=progress
    )
    return group_out(group)


class OutputIn(Schema):
    title: str = Field(max_length=300)
    url: str = Field("", max_length=500)
    on: datetime.date


@router.post("/networks/{slug}/groups/{pk}/outputs", response=GroupOut)
def add_output(request: HttpRequest, slug: str, pk: int, payload: OutputIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    actions.add_output(actor=_user(request), group=group, **payload.dict())
    return group_out(group)


# Initiatives and resources ---------------------------------------------------------------


class InitiativeIn(Schema):
    organization: int
    title: str = Field(max_length=300)
    description: str = Field("", max_length=20_000)
    links: list[str] = Field(default_factory=list, max_length=10)
    image_name: str = Field("image", max_length=200)
    image_base64: str | None = Field(None, description="A PNG, JPEG, GIF or WebP picture.")


class InitiativeOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    title: str
    description: str
    links: list[str]
    has_image: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_has_image(obj: Initiative) -> bool:
        return bool(obj.image_type)


def _base64(text: str | None, field: str) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError({field: "Not base64."}) from exc


@router.get("/networks/{slug}/initiatives", response=list[InitiativeOut])
@paginate(PageNumberPagination, page_size=50)
def list_initiatives(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return queries.initiatives(network)


@router.post("/networks/{slug}/initiatives", response={201: InitiativeOut})
def promote_initiative(request: HttpRequest, slug: str, payload: InitiativeIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    organization = named_in_body(network.organizations.all(), payload.organization, "organization")
    initiative = actions.promote_initiative(
        actor=_user(request),
        network=network,
        organization=organization,
        title=payload.title,
        description=payload.description,
        links=payload.links,
        image=_base64(payload.image_base64, "image_base64"),
        image_name=payload.image_name,
    )
    return Status(201, initiative)


class ResourceIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=20_000)
    url: str = Field("", max_length=500)
    file_name: str = Field("", max_length=200)
    content_base64: str | None = Field(None, description="The file, base64-encoded.")
    language: Literal["es", "pt", "en", "other"] = "es"
    themes: list[str] = Field(default_factory=list, max_length=50)
    licence: Literal["cc-by", "cc-by-sa", "cc-by-nc", "cc0", "reserved", "other"] = "cc-by"


class ResourceOut(Schema):
    id: int
    title: str
    description: str
    url: str
    file_name: str
    content_type: str
    size: int
    language: str
    licence: str
    organization: int | None = Field(alias="organization_id")
    downloads: int
    created_at: datetime.datetime


@router.get("/networks/{slug}/resources", response=list[ResourceOut])
@paginate(PageNumberPagination, page_size=50)
def list_resources(
    request: HttpRequest,
    slug: str,
    q: str = "",
    language: str = "",
    theme: str = "",
    licence: str = "",
) -> Any:
    """The library, newest first; `q` is searched without regard to case or accents."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return queries.resources(
        network, {"q": q, "language": language, "theme": theme, "licence": licence}
    )


@router.post("/networks/{slug}/resources", response={201: ResourceOut})
def share_resource(request: HttpRequest, slug: str, payload: ResourceIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    themes = list(Theme.objects.filter(slug__in=payload.themes))
    if len(themes) != len(set(payload.themes)):
        raise ValidationError({"themes": "Unknown theme slugs."})
    resource = actions.share_resource(
        actor=_user(request),
        network=network,
        title=payload.title,
        description=payload.description,
        url=payload.url,
        content=_base64(payload.content_base64, "content_base64"),
        file_name=payload.file_name,
        language=payload.language,
        themes=themes,
        licence=payload.licence,
    )
    return Status(201, resource)


@router.get("/networks/{slug}/resources/{pk}", response=ResourceOut)
def get_resource(request: HttpRequest, slug: str, pk: int) -> Resource:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return get_resource_for(request.user, network, pk)


@router.delete("/networks/{slug}/resources/{pk}", response={204: None})
def remove_resource(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    actions.remove_resource(
        actor=_user(request), resource=get_resource_for(request.user, network, pk)
    )
    return Status(204, None)


# Quick consultations and engagement -----------------------------------------------------


class ConsultationIn(Schema):
    question: str = Field(max_length=300)
    kind: Literal["choice", "rating", "text"]
    choices: list[str] = Field(default_factory=list, max_length=12)
    closes_at: datetime.datetime
    opens_at: datetime.datetime | None = None


class ResultOut(Schema):
    answer: str
    count: int


class ConsultationOut(Schema):
    id: int
    question: str
    kind: str
    choices: list[str]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    open: bool
    answers: int
    results: list[ResultOut] | None = Field(
        description="Once the caller has answered, or it closed (coordinators: always)."
    )


def consultation_out(consultation: Consultation, user: Any) -> dict[str, Any]:
    answered = consultation.answers.filter(person__user=user).exists()
    shown = (
        answered
        or not consultation.is_open()
        or can(user, Action.MANAGE_EVENTS, consultation.network)
    )
    return {
        "id": consultation.pk,
        "question": consultation.question,
        "kind": consultation.kind,
        "choices": consultation.choices,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "open": consultation.is_open(),
        "answers": consultation.answers.count(),
        "results": [{"answer": a, "count": n} for a, n in queries.results(consultation)]
        if shown
        else None,
    }


class ConsultationRow(Schema):
    id: int
    question: str
    kind: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    answers: int = Field(alias="answered")


@router.get("/networks/{slug}/consultations", response=list[ConsultationRow])
@paginate(PageNumberPagination, page_size=20)
def list_consultations(request: HttpRequest, slug: str) -> Any:
    """Newest first; GET one for its choices and results."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return queries.consultations(network)


@router.post("/networks/{slug}/consultations", response={201: ConsultationOut})
def open_consultation(request: HttpRequest, slug: str, payload: ConsultationIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    _aware(payload.closes_at, "closes_at")
    if payload.opens_at is not None:
        _aware(payload.opens_at, "opens_at")
    consultation = actions.open_consultation(
        actor=_user(request), network=network, **payload.dict()
    )
    return Status(201, consultation_out(consultation, request.user))


@router.get("/networks/{slug}/consultations/{pk}", response=ConsultationOut)
def get_consultation(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    return consultation_out(get_consultation_for(request.user, network, pk), request.user)


class AnswerIn(Schema):
    choice: str = Field("", max_length=200)
    rating: int | None = Field(None, ge=1, le=5)
    text: str = Field("", max_length=1000)


@router.put("/networks/{slug}/consultations/{pk}/answer", response=ConsultationOut)
def answer_consultation(
    request: HttpRequest, slug: str, pk: int, payload: AnswerIn
) -> dict[str, Any]:
    """One's answer, changed again until the consultation closes."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    consultation = get_consultation_for(request.user, network, pk)
    actions.answer_consultation(actor=_user(request), consultation=consultation, **payload.dict())
    return consultation_out(consultation, request.user)


class EngagementOut(Schema):
    organization: int
    quarters: list[datetime.date]
    meetings: list[int]
    answers: list[int]
    positions: list[int]
    resources: list[int]
    falling: bool


class EngagementPage:
    """A page of organizations, their engagement read for the whole page at once."""

    def __init__(self, rows: Any, quarters: list[datetime.date]) -> None:
        self.rows, self.quarters = rows, quarters

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [
            {
                "organization": e.organization.pk,
                "quarters": self.quarters,
                "meetings": e.meetings,
                "answers": e.answers,
                "positions": e.positions,
                "resources": e.resources,
                "falling": e.falling,
            }
            for e in queries.engagement(list(self.rows[index]))
        ]


@router.get("/networks/{slug}/engagement", response=list[EngagementOut])
@paginate(PageNumberPagination, page_size=25)
def engagement(request: HttpRequest, slug: str) -> Any:
    """Coordinators: each organization's participation over the last four quarters."""
    network = get_network_for(request.user, slug, Action.MANAGE_EVENTS)
    return EngagementPage(network.organizations.order_by("name", "pk"), queries.quarters())
