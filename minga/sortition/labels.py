"""What a draw's features and values read as on a page, in the reader's language.

A pool from the directory stores organization fields by their codes ("country" / "AR",
"size" / "small"); a page shows their labels ("Country" / "Argentina", "Size" / "Small").
A pool uploaded as CSV holds the uploader's own names, shown as written. Only what a page
shows changes: the stored pool and the published people.csv and features.csv keep the codes.

Also here: the explanation of quotas that no panel can meet, in the reader's language (the
engine writes its own diagnosis in English, for the command line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from minga.core.l10n import number
from minga.core.models import OrganizationSize, OrganizationType, Theme
from minga.sortition.engine.model import Instance
from minga.sortition.models import Draw, PoolSource

FEATURE_LABELS = {
    "country": gettext_lazy("Country"),
    "organization_size": gettext_lazy("Organization size"),
    "organization_type": gettext_lazy("Organization type"),
    "language": gettext_lazy("Language"),
    "theme": gettext_lazy("Theme"),
    "size": gettext_lazy("Size"),
    "type": gettext_lazy("Type"),
}

# The value a directory pool stores when a person has no organization (actions.pool.NONE).
NONE = "none"

# How a decliner's replacement was found (engine/replacement.py's `method`).
REPLACEMENT_METHODS = {
    "distribution": gettext_lazy("from the published distribution"),
    "quotas": gettext_lazy("among those who keep every quota"),
    "none": gettext_lazy("nobody fits: the seat stays empty"),
    "alternate": gettext_lazy("the first alternate who keeps the quotas best"),
}


class DrawLabels:
    """The labels of one draw's features and values."""

    def __init__(self, draw: Draw) -> None:
        self.directory = draw.source == PoolSource.DIRECTORY
        self._themes: dict[str, str] | None = None
        self._uses_themes = "theme" in draw.features

    def feature(self, feature: str) -> str:
        if not self.directory:
            return feature
        return str(FEATURE_LABELS.get(feature, feature))

    def value(self, feature: str, value: str) -> str:
        if not self.directory:
            return value
        if value == NONE:
            return _("none")
        if feature == "country":
            return str(countries.name(value)) or value
        if feature in ("size", "organization_size") and value in OrganizationSize.values:
            return str(OrganizationSize(value).label)
        if feature in ("type", "organization_type") and value in OrganizationType.values:
            return str(OrganizationType(value).label)
        if feature == "language":
            return str(dict(settings.LANGUAGES).get(value, value))
        if feature == "theme":
            return self.themes().get(value, value)
        return value

    def themes(self) -> dict[str, str]:
        if self._themes is None:
            self._themes = (
                dict(Theme.objects.values_list("slug", "name")) if self._uses_themes else {}
            )
        return self._themes

    def pair(self, feature: str, value: str) -> str:
        """ "Country = Argentina": one value of one feature, in a sentence."""
        return f"{self.feature(feature)} = {self.value(feature, value)}"

    def group_by(self, group_by: str) -> str:
        if self.directory and group_by == "organization":
            return _("organization")
        if not self.directory and group_by == "household":
            return _("household")
        return group_by


def panel_features(labels: DrawLabels, features: Mapping[str, str], order: list[str]) -> str:
    """A drawn member's features as a page shows them: "Argentina, Small"."""
    known = [f for f in order if f in features] + [f for f in features if f not in order]
    return ", ".join(labels.value(f, features[f]) for f in known)


def explain(
    instance: Instance | None, diagnosis: Mapping[str, Any], labels: DrawLabels
) -> dict[str, Any]:
    """Why no panel meets the quotas, as sentences in the reader's language, and the
    smallest change of quotas with each quota's labels. `diagnosis` is the engine's
    `Diagnosis.as_json()` (or a failed computation's stored copy); without the `instance`
    it was found for, its conflicts stay in the engine's words."""
    relaxations = [
        {**r, "label": labels.pair(r["feature"], r["value"])}
        for r in diagnosis.get("relaxations") or []
    ]
    if instance is None:
        conflicts = list(diagnosis.get("conflicts") or [])
    else:
        conflicts = simple_conflicts(instance, labels)
    if not conflicts:
        if relaxations:
            conflicts = [
                _("The quotas on %(quotas)s cannot hold together with the other quotas.")
                % {"quotas": ", ".join(r["label"] for r in relaxations)}
            ]
        else:
            conflicts = [_("Too few people for the seats.")]
    return {
        "conflicts": conflicts,
        "relaxations": relaxations,
        "total_change": diagnosis.get("total_change"),
    }


def simple_conflicts(instance: Instance, labels: DrawLabels) -> list[str]:
    """The conflicts visible without search (as the engine's `simple_conflicts`):
    the pool against the seats, each feature's minimums and maximums against the seats,
    each minimum against the pool."""
    seats = instance.seats
    found: list[str] = []
    pool = len(instance.people)
    figures: dict[str, Any] = {"pool": number(pool), "seats": number(seats)}
    if pool < seats:
        found.append(
            ngettext(
                "The pool has %(pool)s members for %(seats)s seat.",
                "The pool has %(pool)s members for %(seats)s seats.",
                seats,
            )
            % figures
        )
    groups = {p.group if p.group is not None else ("", p.id) for p in instance.people}
    if len(groups) < seats <= pool:
        found.append(
            _("Only %(groups)s groups for %(seats)s seats (at most one per group).")
            % {**figures, "groups": number(len(groups))}
        )
    for feature in instance.features:
        values = instance.quotas[feature]
        low = sum(q.min for q in values.values())
        high = sum(q.max for q in values.values())
        name = labels.feature(feature)
        if low > seats:
            found.append(
                _("%(feature)s: the minimums add up to %(low)s, more than the %(seats)s seats.")
                % {**figures, "feature": name, "low": number(low)}
            )
        if high < seats:
            found.append(
                _("%(feature)s: the maximums add up to %(high)s, fewer than the %(seats)s seats.")
                % {**figures, "feature": name, "high": number(high)}
            )
        for value, quota in sorted(values.items()):
            available = sum(1 for p in instance.people if p.features[feature] == value)
            if quota.min > available:
                found.append(
                    _("%(quota)s: a minimum of %(min)s, but only %(available)s in the pool.")
                    % {
                        "quota": labels.pair(feature, value),
                        "min": number(quota.min),
                        "available": number(available),
                    }
                )
    return found
