"""Derived reads of sortition: the lists and figures pages show about a draw, computed
from its pool, its quotas and its declines."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from minga.core.l10n import number
from minga.sortition.engine import csvio
from minga.sortition.labels import REPLACEMENT_METHODS, DrawLabels
from minga.sortition.models import Algorithm, Draw

# A draw's large columns: its pool (the whole directory, megabytes at scale) and what the
# computation made of it. Lists of draws never read them (`Draw.pool_size` counts the pool).
LARGE_COLUMNS = (
    "pool",
    "distribution",
    "probabilities",
    "legacy_probabilities",
    "diagnosis",
    "panel",
    "current_panel",
)


def draw_summaries(draws: QuerySet[Draw]) -> QuerySet[Draw]:
    """`draws` as a list shows them: title, body, seats, pool size, state; no large column."""
    return draws.select_related("circle").defer(*LARGE_COLUMNS)


PREVIEW_ROWS = 10


def pool_preview(draw: Draw) -> list[dict[str, Any]]:
    """The first rows of an uploaded pool, as stored: what is left of the people.csv."""
    return draw.pool[:PREVIEW_ROWS] if draw.upload_columns else []


def seated_rows(draw: Draw) -> list[dict[str, Any]]:
    """The panel drawn and its alternates, each with their chance of being drawn, of ending up
    seated before the draw (None until estimated) and, given this panel and these alternates,
    of ending up seated (empty before alternates)."""
    if not draw.alternates:
        return []
    labels = draw.labels()
    return [
        {
            "id": member,
            "label": labels.get(member, member),
            "alternate": alternate,
            "drawn": draw.drawn_chances.get(member),
            "before": draw.seated_before_draw.get(member),
            "seated": draw.seated_chances.get(member),
        }
        for alternate, members in ((False, draw.panel), (True, draw.alternates))
        for member in members
    ]


def seated_before_range(draw: Draw) -> dict[str, float] | None:
    """Over the whole pool, the lowest and highest chances of being drawn and of ending up
    seated before the draw (None until estimated)."""
    if not draw.seated_before_draw:
        return None
    before = draw.seated_before_draw.values()
    drawn = draw.drawn_chances.values()
    return {
        "low": min(before),
        "high": max(before),
        "drawn_low": min(drawn),
        "drawn_high": max(drawn),
    }


def fairness_rows(draw: Draw) -> list[dict[str, Any]]:
    """LEXIMIN's and Goldilocks' figures side by side, the chosen one marked (empty before
    a computation, and for the legacy draw)."""
    names = {Algorithm.LEXIMIN: _("LEXIMIN"), Algorithm.GOLDILOCKS: _("Goldilocks")}
    return [
        {"name": name, "chosen": draw.algorithm == key, **draw.fairness[key]}
        for key, name in names.items()
        if key in draw.fairness
    ]


def quota_rows(draw: Draw) -> list[dict[str, Any]]:
    """One row per value of each feature, numbered: how many in the pool have it, and the
    stored min and max (0 and the seats where no quota is stored yet)."""
    stored = {(q.feature, q.value): q for q in draw.quotas.all()}
    available = Counter(
        (feature, row["features"][feature]) for row in draw.pool for feature in draw.features
    )
    rows: list[dict[str, Any]] = []
    for feature, values in draw.feature_values().items():
        for value in values:
            quota = stored.get((feature, value))
            rows.append(
                {
                    "index": len(rows),
                    "feature": feature,
                    "value": value,
                    "available": available[(feature, value)],
                    "min": quota.min if quota else 0,
                    "max": quota.max if quota else draw.seats,
                }
            )
    return rows


def results(draw: Draw) -> dict[str, Any]:
    """The results page's lists and figures: the current panel (each member's label,
    probability, features and the round that brought them in), the panel first drawn
    with who declined, the declines by round, the highest probability and the even
    share (seats / pool)."""
    labels = draw.labels()
    features = {row["id"]: row["features"] for row in draw.pool}
    declines = list(draw.declines.all())
    declined = {d.member_id for d in declines}
    replaced_in = {d.replacement_id: d.round for d in declines if d.replacement_id}
    probabilities = sorted(draw.probabilities.values())
    return {
        "panel": [
            {
                "id": member_id,
                "label": labels.get(member_id, member_id),
                "probability": draw.probabilities.get(member_id),
                "features": features.get(member_id, {}),
                "replaced_in": replaced_in.get(member_id),
            }
            for member_id in draw.current_panel
        ],
        "original_panel": [
            {"id": m, "label": labels.get(m, m), "declined": m in declined} for m in draw.panel
        ],
        "declines": [
            {
                "round": d.round,
                "member": labels.get(d.member_id, d.member_id),
                "member_id": d.member_id,
                "replacement": labels.get(d.replacement_id, d.replacement_id),
                "replacement_id": d.replacement_id,
                "method": d.method,
            }
            for d in declines
        ],
        "max_probability": probabilities[-1] if probabilities else None,
        "even_share": draw.seats / len(draw.pool) if draw.pool else None,
        "pool_size": len(draw.pool),
    }


def published_file(draw: Draw, name: str) -> bytes | None:
    """A file anyone can check the draw with, as published: people.csv and features.csv
    (the Sortition Foundation's layout), distribution.json, and lottery.csv exactly as its
    SHA-256 was published; None when the draw has no such file (yet)."""
    if name == "people.csv":
        extra = csvio.group_columns(draw.group_by)
        return csvio.write_people(draw.instance(), extra).encode()
    if name == "features.csv":
        return csvio.write_features(draw.instance()).encode()
    if name == "distribution.json" and draw.distribution is not None:
        return json.dumps(draw.distribution).encode()
    if name == "lottery.csv" and draw.lottery_table:
        return draw.lottery_table.encode()
    return None


def report_rows(draw: Draw) -> list[tuple[str, str, str]]:
    """The draw's report, as (section, item, value) in the active language: the pool's and
    the quotas' files with their hashes, the algorithm and the distribution's hash, the
    lottery's table and its hash, the number or the seed, the panel drawn, each replacement,
    and the panel seated."""
    labels = DrawLabels(draw)
    names = draw.labels()
    rows: list[tuple[str, str, str]] = []

    def add(section: str, item: str, value: object) -> None:
        rows.append((section, item, str(value)))

    section = _("Draw")
    add(section, _("Title"), draw.title)
    add(section, _("Network"), draw.network.name)
    add(section, _("Seats"), number(draw.seats))
    section = _("Pool")
    add(section, _("Members in the pool"), number(draw.pool_size))
    add(section, _("Pool from"), draw.get_source_display())
    for name in ("people.csv", "features.csv"):
        body = published_file(draw, name)
        assert body is not None
        add(section, _("SHA-256 of %(file)s") % {"file": name}, hashlib.sha256(body).hexdigest())
    if draw.group_by:
        add(section, _("At most one per"), labels.group_by(draw.group_by))
    section = _("Quotas")
    for quota in draw.quotas.all():
        item = f"{labels.feature(quota.feature)}: {labels.value(quota.feature, quota.value)}"
        add(section, item, f"{number(quota.min)}–{number(quota.max)}")
    section = _("Algorithm")
    add(section, _("Algorithm"), draw.get_algorithm_display())
    if draw.distribution_sha256:
        add(section, _("SHA-256 of the distribution"), draw.distribution_sha256)
    if draw.min_probability is not None:
        add(section, _("Smallest probability"), number(draw.min_probability, 6))
    if draw.lottery_panels:
        section = _("Lottery")
        add(section, _("Numbered panels"), number(draw.lottery_panels))
        add(section, _("SHA-256 of the table"), draw.lottery_sha256)
        add(section, _("Largest change of a probability"), number(draw.lottery_max_change, 6))
    section = _("The draw")
    if draw.number_label:
        add(section, _("Number drawn"), draw.number_label)
        add(section, _("The number came from"), draw.get_number_from_display())
    if draw.seed:
        add(section, _("Public seed"), draw.seed)
    if draw.seed_note:
        add(section, _("Where the seed comes from"), draw.seed_note)
    for member in draw.panel:
        add(_("Panel drawn"), names.get(member, member), member)
    for member in draw.alternates:
        add(_("Alternates"), names.get(member, member), member)
    for decline in draw.declines.all():
        method = REPLACEMENT_METHODS.get(decline.method, decline.method)
        replaced = names.get(decline.replacement_id, decline.replacement_id) or "-"
        declined = names.get(decline.member_id, decline.member_id)
        add(
            _("Replacements"),
            _("Round %(round)s") % {"round": decline.round},
            _("%(declined)s declined; %(replacement)s took the seat (%(method)s)")
            % {"declined": declined, "replacement": replaced, "method": method},
        )
    for member in draw.current_panel:
        add(_("Panel seated"), names.get(member, member), member)
    return rows
