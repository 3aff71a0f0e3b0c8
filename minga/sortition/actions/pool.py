"""The pool: a new draft draw, its pool taken from the member directory or from a people.csv
and a features.csv in the layouts the field publishes (`engine/csvio.py`), with default quotas
near each value's share for a pool from the directory."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
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
from minga.sortition.engine.csvio import group_columns
from minga.sortition.inputs import PoolFileError, read_pool
from minga.sortition.models import Algorithm, Draw, DrawQuota, PoolSource

if TYPE_CHECKING:
    from minga.core.permissions import Actor

PEOPLE_FEATURES = ("country", "organization_size", "organization_type", "language", "theme")
ORGANIZATION_FEATURES = ("country", "size", "type")
PEOPLE_GROUPS = ("organization",)
NONE = "none"
GROUP_BY_LENGTH = 255  # Draw.group_by's max_length
# An uploaded pool's grouping columns (addresses) are stored only as this column's hashed key.
HOUSEHOLD = "household"


def household_keys(groups: Sequence[str | None]) -> list[str | None]:
    """Each household's key, in place of its address: equal for equal addresses, and, keyed
    with a salt that is thrown away, impossible to turn back into the address by guessing."""
    salt = secrets.token_bytes(32)
    return [
        None
        if group is None
        else "h" + hmac.new(salt, group.encode(), hashlib.sha256).hexdigest()[:16]
        for group in groups
    ]


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
    people_csv: str | bytes | None = None,
    features_csv: str | bytes | None = None,
    id_column: str = "",
) -> Draw:
    """A draft draw, its pool taken from the member directory, or from a people.csv and a
    features.csv when both are given (their quotas come too; bytes are decoded by the intake).
    For the files, `id_column` names the column of ids (default: id; a file of nothing but
    features is numbered from 0) and `group_by` one or more comma-separated columns of which
    at most one member is drawn (a household's address). Bad input raises ValidationError
    naming the field, file, row, column and value; nothing is stored."""
    require(actor, Action.MANAGE_DRAWS, network)
    if not title.strip():
        raise ValidationError({"title": _("Give the draw a title.")})
    if seats < 1:
        raise ValidationError({"seats": _("At least one seat.")})
    if pool_kind not in MemberKind.values:
        raise ValidationError({"pool_kind": _("Choose people or organizations.")})
    if algorithm not in Algorithm.values:
        raise ValidationError({"algorithm": _("Choose LEXIMIN, Goldilocks or the legacy draw.")})
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
    upload_columns: dict[str, list[str]]
    ids = ""
    if people_csv is not None and features_csv is not None:
        source = PoolSource.CSV
        group_by = ",".join(group_columns(group_by))
        if len(group_by) > GROUP_BY_LENGTH:
            raise ValidationError({"group_by": _("Too many grouping columns.")})
        try:
            files = read_pool(people_csv, features_csv, id_column=id_column, group_by=group_by)
        except PoolFileError as exc:
            raise ValidationError({exc.field: exc.message}) from exc
        quotas = files.quotas
        people = sorted(files.people.people, key=lambda p: p.id)
        ids = files.people.id_column or ""
        # Only the ids, the features and a hashed household key are kept: every other column
        # (names, emails, phones, addresses) is dropped here, before anything is stored.
        upload_columns = {
            "dropped": list(files.people.other_columns),
            "household": list(group_columns(group_by)),
        }
        keys = household_keys([p.group for p in people])
        pool: list[dict[str, Any]] = [
            {"id": p.id, "label": p.id, "features": dict(p.features), "group": key}
            for p, key in zip(people, keys, strict=True)
        ]
        group_by = HOUSEHOLD if group_by else ""
        chosen = sorted(quotas)
        quota_rows = [
            QuotaRow(f, v, q.min, q.max) for f in chosen for v, q in sorted(quotas[f].items())
        ]
    else:
        source = PoolSource.DIRECTORY
        upload_columns = {}
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
        pool_size=len(pool),
        features=chosen,
        group_by=group_by,
        id_column=ids,
        upload_columns=upload_columns,
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
        data={
            "source": source,
            "pool": len(pool),
            "seats": seats,
            "features": chosen,
            **({"id_column": ids, "group_by": group_by} if source == PoolSource.CSV else {}),
        },
    )
    return draw
