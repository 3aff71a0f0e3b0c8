"""Unmet eligibility criteria, said in words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_countries import countries

from minga.reach.models import AUDIENCE_KIND_CHOICES


def explain(unmet: dict[str, str]) -> str:
    criterion, value = unmet["criterion"], unmet["value"]
    if criterion == "kind":
        kind = dict(AUDIENCE_KIND_CHOICES).get(value, value)
        return _("%(kind)s are not among the kinds of member this network accepts.") % {
            "kind": kind
        }
    if criterion == "country":
        return _("%(country)s is not among the network's countries.") % {
            "country": countries.name(value) or value
        }
    if criterion == "themes":
        return _("None of the applicant's themes (%(themes)s) is among the network's themes.") % {
            "themes": value or "—"
        }
    return _("Statement not accepted: %(statement)s") % {"statement": value}
