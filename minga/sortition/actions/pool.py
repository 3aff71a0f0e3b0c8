"""The pool: a new draft draw, its pool taken from the member directory or from the
Sortition Foundation's CSV files, with default quotas near each value's share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network, Organization, Person
from minga.core.permissions import Action, require
from minga.governance.models import Circle, MemberKind
from minga.sortition.actions._common import person_of
from minga.sortition.actions.quotas import QuotaRow
from minga.sortition.engine import csvio
from minga.sortition.engine.model import SortitionInputError
from minga.sortition.models import Algorithm, Draw, DrawQuota, PoolSource

if TYPE_CHECKING:
    from minga.core.permissions import Actor

PEOPLE_FEATURES = ("country", "organization_size", "organization_type", "language", "theme")
ORGANIZATION_FEATURES = ("country", "size", "type")
PEOPLE_GROUPS = ("organization",)
NONE = "none"


def features_for(pool_kind: str) -> tuple[str, ...]:
    return PEOPLE_FEATURES if pool_kind == MemberKind.PEOPLE else ORGANIZATION_FEATURES


def directory_pool(network: Network, pool_kind: str) -> list[dict[str, Any]]:
    """Everyone in the network's directory with every feature Minga knows about them."""
    rows: list[dict[str, Any]] = []
    if pool_kind == MemberKind.ORGANIZATIONS:
        for organization in network.organizations.all():
            rows.append(
                {
                    "id": f"o{organization.pk}",
                    "label": organization.name,
                    "features": {
                        "country": str(organization.country.code) or NONE,
                        "size": organization.size,
                        "type": organization.type,
                    },
                    "group": None,
                }
            )
    else:
        people = network.people.select_related("user", "organization").prefetch_related(
            "organization__themes"
        )
        for person in people:
            rows.append(_person_row(person))
    return sorted(rows, key=lambda row: row["id"])


def _person_row(person: Person) -> dict[str, Any]:
    organization: Organization | None = person.organization
    themes = sorted(theme.slug for theme in organization.themes.all()) if organization else []
    return {
        "id": f"p{person.pk}",
        "label": str(person),
        "features": {
            "country": str(organization.country.code) if organization else NONE,
            "organization_size": organization.size if organization else NONE,
            "organization_type": organization.type if organization else NONE,
            "language": person.user.language or NONE,
            "theme": themes[0] if themes else NONE,
        },
        "group": f"o{organization.pk}" if organization else None,
    }


def _default_quotas(
    pool: list[dict[str, Any]], features: Sequence[str], seats: int
) -> list[QuotaRow]:
    """Quotas near each value's share of the pool (floor and ceiling of 0.8x and 1.2x)."""
    rows = []
    total = len(pool) or 1
    for feature in features:
        counts: dict[str, int] = {}
        for row in pool:
            value = row["features"][feature]
            counts[value] = counts.get(value, 0) + 1
        for value, count in sorted(counts.items()):
            share = count / total * seats
            low = min(math.floor(0.8 * share), count)
            high = max(min(math.ceil(1.2 * share), seats, count), low)
            rows.append(QuotaRow(feature, value, low, high))
    return rows


@transaction.atomic
def create_draw(
    *,
    actor: Actor,
    network: Network,
    title: str,
    seats: int,
    pool_kind: str = MemberKind.PEOPLE,
    features: Sequence[str] = (),
    circle: Circle | None = None,
    group_by: str = "",
    algorithm: str = Algorithm.LEXIMIN,
    people_csv: str | None = None,
    features_csv: str | None = None,
) -> Draw:
    """A draft draw, its pool taken from the member directory, or from the Sortition
    Foundation's people.csv and features.csv when both are given (their quotas come too).
    Bad input raises ValidationError naming the field, row or column; nothing is stored."""
    require(actor, Action.MANAGE_DRAWS, network)
    if not title.strip():
        raise ValidationError({"title": _("Give the draw a title.")})
    if seats < 1:
        raise ValidationError({"seats": _("At least one seat.")})
    if pool_kind not in MemberKind.values:
        raise ValidationError({"pool_kind": _("Choose people or organizations.")})
    if algorithm not in Algorithm.values:
        raise ValidationError({"algorithm": _("Choose LEXIMIN or the legacy draw.")})
    if circle is not None:
        if circle.network_id != network.pk:
            raise ValidationError({"circle": _("That body belongs to another network.")})
        if circle.member_kind != pool_kind:
            raise ValidationError(
                {
                    "pool_kind": _("The members of %(circle)s are: %(kind)s.")
                    % {"circle": circle.name, "kind": circle.get_member_kind_display()}
                }
            )
    if (people_csv is None) != (features_csv is None):
        raise ValidationError({"people_csv": _("Upload both people.csv and features.csv.")})
    quota_rows: list[QuotaRow]
    if people_csv is not None and features_csv is not None:
        source = PoolSource.CSV
        try:
            quotas = csvio.parse_features(features_csv, "features.csv")
        except SortitionInputError as exc:
            raise ValidationError({"features_csv": str(exc)}) from exc
        try:
            people = csvio.parse_people(
                people_csv, quotas, group_by=group_by or None, source="people.csv"
            )
        except SortitionInputError as exc:
            raise ValidationError({"people_csv": str(exc)}) from exc
        pool: list[dict[str, Any]] = [
            {"id": p.id, "label": p.id, "features": dict(p.features), "group": p.group}
            for p in sorted(people, key=lambda p: p.id)
        ]
        chosen = sorted(quotas)
        quota_rows = [
            QuotaRow(f, v, q.min, q.max) for f in chosen for v, q in sorted(quotas[f].items())
        ]
    else:
        source = PoolSource.DIRECTORY
        known = features_for(pool_kind)
        chosen = list(features) or list(known)
        unknown = [f for f in chosen if f not in known]
        if unknown:
            raise ValidationError(
                {
                    "features": _("%(names)s: not a feature of this pool (choose from %(known)s).")
                    % {"names": ", ".join(unknown), "known": ", ".join(known)}
                }
            )
        if group_by and (pool_kind != MemberKind.PEOPLE or group_by not in PEOPLE_GROUPS):
            raise ValidationError(
                {"group_by": _("Only a pool of people can be grouped, by organization.")}
            )
        pool = directory_pool(network, pool_kind)
        if not group_by:
            for row in pool:
                row["group"] = None
        if not pool:
            raise ValidationError({"pool_kind": _("The directory has nobody for this pool.")})
        chosen = [f for f in known if f in chosen]
        quota_rows = _default_quotas(pool, chosen, seats)
    draw = Draw.objects.create(
        network=network,
        circle=circle,
        title=title.strip(),
        seats=seats,
        pool_kind=pool_kind,
        source=source,
        pool=pool,
        features=chosen,
        group_by=group_by,
        algorithm=algorithm,
        progress_total=len(pool),
        created_by=person_of(actor),
    )
    DrawQuota.objects.bulk_create(
        DrawQuota(draw=draw, feature=q.feature, value=q.value, min=q.min, max=q.max)
        for q in quota_rows
    )
    record(
        actor=actor,
        action=AuditEvent.DRAW_CREATE,
        target=draw,
        network=network,
        data={"source": source, "pool": len(pool), "seats": seats, "features": chosen},
    )
    return draw
