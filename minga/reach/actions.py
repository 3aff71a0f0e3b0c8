"""The reach app's write path: charter versions, audience criteria, the action plan."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network, Person, User
from minga.core.permissions import Action, require
from minga.reach.eligibility import AudienceKind
from minga.reach.models import (
    AUDIENCE_KIND_CHOICES,
    ActionItem,
    ActionStatus,
    AudienceCriteria,
    Charter,
    CharterVersion,
)

if TYPE_CHECKING:
    from minga.core.permissions import Actor

CHARTER_FIELDS = ("context", "purpose", "objective", "audience")


@transaction.atomic
def save_charter(*, actor: Actor, network: Network, **texts: str) -> CharterVersion:
    """Save the charter as a new version; the previous text stays in the history."""
    require(actor, Action.MANAGE_CHARTER, network)
    unknown = set(texts) - set(CHARTER_FIELDS)
    if unknown:
        raise ValueError(f"not charter fields: {sorted(unknown)}")
    Charter.objects.get_or_create(network=network)
    current = network.charter_versions.select_for_update().first()
    values = {field: texts.get(field, getattr(current, field, "")) for field in CHARTER_FIELDS}
    if current is not None and all(getattr(current, f) == v for f, v in values.items()):
        return current  # nothing changed: no new version
    version = CharterVersion.objects.create(
        network=network,
        number=(current.number + 1) if current else 1,
        author=actor if isinstance(actor, User) else None,
        **values,
    )
    record(
        actor=actor,
        action=AuditEvent.CHARTER_SAVE,
        target=version,
        network=network,
        data={
            "number": version.number,
            "changed": [
                f for f in CHARTER_FIELDS if not current or getattr(current, f) != values[f]
            ],
        },
    )
    return version


@transaction.atomic
def set_charter_visibility(
    *,
    actor: Actor,
    network: Network,
    public: bool | None = None,
    applications_open: bool | None = None,
) -> Charter:
    """Whether the current charter is public, and whether anyone may apply from it."""
    require(actor, Action.MANAGE_CHARTER, network)
    charter, _created = Charter.objects.get_or_create(network=network)
    if public is not None:
        charter.public = public
    if applications_open is not None:
        charter.applications_open = applications_open
    charter.save(update_fields=["public", "applications_open"])
    record(
        actor=actor,
        action=AuditEvent.CHARTER_VISIBILITY,
        target=charter,
        network=network,
        data={"public": charter.public, "applications_open": charter.applications_open},
    )
    return charter


@transaction.atomic
def set_audience(
    *,
    actor: Actor,
    network: Network,
    member_kinds: list[str],
    countries_: list[str] | None = None,
    themes: list[str] | None = None,
    statements: list[str] | None = None,
) -> AudienceCriteria:
    require(actor, Action.MANAGE_CHARTER, network)
    if not member_kinds:
        raise ValidationError({"member_kinds": _("Choose at least one kind of member.")})
    for kind in member_kinds:
        if kind not in AudienceKind.__members__.values():
            raise ValidationError(
                {
                    "member_kinds": _("%(value)s is not a kind of member (%(kinds)s).")
                    % {
                        "value": kind,
                        "kinds": ", ".join(
                            f"{value}: {label}" for value, label in AUDIENCE_KIND_CHOICES
                        ),
                    }
                }
            )
    codes = [code.strip().upper() for code in countries_ or [] if code.strip()]
    for code in codes:
        if code not in dict(countries):
            raise ValidationError(
                {"countries": _("%(value)s is not a country code.") % {"value": code}}
            )
    slugs = sorted({slugify(theme) for theme in themes or [] if slugify(theme)})
    texts = [text.strip() for text in statements or [] if text.strip()]
    audience, _created = AudienceCriteria.objects.update_or_create(
        network=network,
        defaults={
            "member_kinds": sorted(set(member_kinds)),
            "countries": sorted(set(codes)),
            "themes": slugs,
            "statements": texts,
        },
    )
    record(actor=actor, action=AuditEvent.AUDIENCE_SET, target=audience, network=network)
    return audience


def _check_item(network: Network, fields: dict[str, Any]) -> None:
    if "title" in fields and not str(fields["title"]).strip():
        raise ValidationError({"title": _("Name the action.")})
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise ValidationError(
            {"status": _("%(value)s is not a status.") % {"value": fields["status"]}}
        )
    owner = fields.get("owner")
    if owner is not None and (not isinstance(owner, Person) or owner.network_id != network.pk):
        raise ValidationError({"owner": _("The owner must be a person of this network.")})
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        raise ValidationError({"ends_on": _("An action cannot end before it starts.")})


@transaction.atomic
def add_action_item(*, actor: Actor, network: Network, **fields: Any) -> ActionItem:
    require(actor, Action.MANAGE_CHARTER, network)
    fields.setdefault("title", "")
    _check_item(network, fields)
    item = ActionItem.objects.create(network=network, **fields)
    record(actor=actor, action=AuditEvent.ACTION_ITEM_ADD, target=item, network=network)
    return item


@transaction.atomic
def update_action_item(*, actor: Actor, item: ActionItem, **changes: Any) -> ActionItem:
    require(actor, Action.MANAGE_CHARTER, item.network)
    merged = {"starts_on": item.starts_on, "ends_on": item.ends_on, **changes}
    _check_item(item.network, merged)
    for field, value in changes.items():
        setattr(item, field, value)
    item.save()
    record(
        actor=actor,
        action=AuditEvent.ACTION_ITEM_UPDATE,
        target=item,
        network=item.network,
        data={k: str(getattr(v, "pk", v)) for k, v in changes.items()},
    )
    return item
