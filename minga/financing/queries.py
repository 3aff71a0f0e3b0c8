"""Derived reads of financing: the catalogue filtered, matches with their reasons, the gap
analysis (access by source type, needs against income by year, what the mapping survey
says), joint applications, and the deadlines other steps show (calendar, digest).
Bounded by what a page shows: counts and grouped sums come from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, overload

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from minga.core.l10n import number
from minga.core.models import Network, Organization, OrganizationType, Theme
from minga.financing import gap as gap_rules
from minga.financing.matching import Applicant, CallFacts, Match, Reason, judge, rank
from minga.financing.models import (
    Call,
    FundingAccess,
    FundingProfile,
    JointApplication,
    Mechanism,
    Need,
    PlanLine,
    SourceType,
    Stage,
    SurveyLink,
    SustainabilityPlan,
)
from minga.mapping.queries import latest_answers
from minga.membership.queries import yearly_income

# The catalogue --------------------------------------------------------------------------


def calls(network: Network, filters: dict[str, Any] | None = None) -> QuerySet[Call]:
    """The catalogue, soonest deadline first; open calls only unless `past` is asked."""
    filters = filters or {}
    rows = Call.objects.filter(network=network).select_related("funder")
    if not filters.get("past"):
        rows = rows.filter(deadline__gte=timezone.now())
    if filters.get("source_type"):
        rows = rows.filter(source_type=filters["source_type"])
    if filters.get("theme"):
        rows = rows.filter(themes__slug=filters["theme"])
    if filters.get("q"):
        text = filters["q"]
        rows = rows.filter(Q(title__icontains=text) | Q(funder__name__icontains=text))
    return rows.order_by("deadline", "pk")


def closing_soon(network: Network, days: int = 14) -> QuerySet[Call]:
    """Open calls whose deadline falls within `days` (the weekly digest's section)."""
    now = timezone.now()
    return calls(network).filter(deadline__lte=now + timedelta(days=days))


@dataclass(frozen=True)
class Deadline:
    """A dated event for the network's calendar: a call's or an application's deadline."""

    kind: str  # "call" or "application"
    pk: int
    title: str
    at: datetime
    url: str


def deadlines(network: Network, start: datetime, end: datetime) -> list[Deadline]:
    """Calls and working applications with a deadline in [start, end), for the calendar."""
    found = [
        Deadline("call", c.pk, str(c), c.deadline, c.get_absolute_url())
        for c in Call.objects.filter(network=network, deadline__gte=start, deadline__lt=end)
        .select_related("funder", "network")
        .order_by("deadline")[:500]
    ]
    found += [
        Deadline("application", a.pk, a.title, a.deadline, a.get_absolute_url())
        for a in JointApplication.objects.filter(
            network=network, deadline__gte=start, deadline__lt=end
        )
        .exclude(stage__in=[Stage.AWARDED, Stage.REJECTED])
        .select_related("network")
        .order_by("deadline")[:500]
    ]
    return sorted(found, key=lambda d: d.at)


# Matching -------------------------------------------------------------------------------


def _member_groups(network: Network) -> list[tuple[str, str, int]]:
    """(country, kind, how many) of the network's organizations: a few hundred rows at
    most, whatever the network's size."""
    return [
        (str(row["country"]), row["type"], row["n"])
        for row in Organization.objects.filter(network=network)
        .order_by()
        .values("country", "type")
        .annotate(n=Count("pk"))
    ]


def _fitting(call: Call, groups: list[tuple[str, str, int]]) -> int:
    return sum(
        n
        for country, kind, n in groups
        if (not call.countries or country in call.countries)
        and (not call.org_types or kind in call.org_types)
    )


def _this_year(network: Network) -> int:
    return timezone.localdate(timezone=network.zone()).year


def _future_needs(network: Network) -> tuple[tuple[Decimal, str], ...]:
    year = _this_year(network)
    return tuple(
        (amount, currency)
        for amount, currency in Need.objects.filter(network=network, year__gte=year)
        .order_by("year", "pk")
        .values_list("amount", "currency")[:200]
    )


def network_applicant(network: Network) -> Applicant:
    """The network as an applicant: its members' countries and kinds (and "network"), the
    themes of its needs (else its members' themes), its needs from this year on."""
    groups = _member_groups(network)
    year = _this_year(network)
    themes = set(
        Theme.objects.filter(
            pk__in=Need.themes.through.objects.filter(
                need__network=network, need__year__gte=year
            ).values("theme_id")
        ).values_list("slug", flat=True)
    )
    if not themes:
        themes = set(
            Theme.objects.filter(organizations__network=network)
            .distinct()
            .values_list("slug", flat=True)
        )
    return Applicant(
        themes=frozenset(themes),
        countries=frozenset(country for country, _kind, _n in groups),
        org_types=frozenset({OrganizationType.NETWORK.value, *(k for _c, k, _n in groups)}),
        needs=_future_needs(network),
        is_network=True,
    )


def organization_applicant(organization: Organization) -> Applicant:
    profile = FundingProfile.objects.filter(organization=organization).first()
    needs = (
        ((profile.needed_amount, profile.currency),)
        if profile and profile.needed_amount is not None
        else ()
    )
    return Applicant(
        themes=frozenset(organization.themes.values_list("slug", flat=True)),
        countries=frozenset({str(organization.country)}),
        org_types=frozenset({organization.type}),
        needs=needs,
    )


def _facts(network: Network, calls: Iterable[Call]) -> list[CallFacts]:
    groups = _member_groups(network)
    return [
        CallFacts(
            key=call.pk,
            title=call.title,
            deadline=call.deadline,
            themes=frozenset(theme.slug for theme in call.themes.all()),
            countries=frozenset(call.countries),
            org_types=frozenset(call.org_types),
            amount_min=call.amount_min,
            amount_max=call.amount_max,
            currency=call.currency,
            joint_allowed=call.joint_allowed,
            members_fitting=_fitting(call, groups),
        )
        for call in calls
    ]


def _names(values: Any, names: dict[str, Any]) -> str:
    return ", ".join(str(names.get(str(v), v)) for v in values)


@dataclass
class Names:
    """What reasons name, read once for a whole list of matches."""

    themes: dict[str, str]
    kinds: dict[str, Any]
    places: dict[str, Any]

    @classmethod
    def load(cls) -> Names:
        return cls(
            themes=dict(Theme.objects.values_list("slug", "name")),
            kinds=dict(OrganizationType.choices),
            places=dict(all_countries),
        )


def _money(amount: Any, currency: str) -> str:
    return f"{number(amount, 2)} {currency}"


def reason_text(reason: Reason, names: Names | None = None) -> str:
    """Why a criterion scored as it did, in the reader's language."""
    p = reason.params
    names = names or Names.load()
    themes, kinds, places = names.themes, names.kinds, names.places
    texts = {
        "themes_any": lambda: _("Open to any theme."),
        "themes_shared": lambda: (
            _("Shares the themes %(names)s.") % {"names": _names(p["themes"], themes)}
        ),
        "themes_none": lambda: (
            _("Asks for other themes: %(names)s.") % {"names": _names(p["themes"], themes)}
        ),
        "countries_any": lambda: _("Open to any country."),
        "countries_eligible": lambda: (
            _("Eligible country: %(names)s.") % {"names": _names(p["countries"], places)}
        ),
        "countries_none": lambda: (
            _("Only for %(names)s.") % {"names": _names(p["countries"], places)}
        ),
        "org_types_any": lambda: _("Open to any kind of organization."),
        "org_types_eligible": lambda: (
            _("Eligible kind of organization: %(names)s.")
            % {"names": _names(p["org_types"], kinds)}
        ),
        "org_types_none": lambda: (
            _("Only for %(names)s.") % {"names": _names(p["org_types"], kinds)}
        ),
        "amount_no_need": lambda: _("No funding need recorded to compare the amount with."),
        "amount_unknown": lambda: _("The call gives no amount."),
        "amount_other_currency": lambda: (
            _("The call is in %(currency)s; the need is in %(need_currency)s.") % p
        ),
        "amount_fits": lambda: (
            _("Its amounts can fund the need of %(amount)s.")
            % {"amount": _money(p["amount"], str(p["currency"]))}
        ),
        "amount_outside": lambda: (
            _("Its amounts (%(range)s) do not fit the need of %(amount)s.")
            % {
                "amount": _money(p["amount"], str(p["currency"])),
                "range": " – ".join(
                    number(v, 2) if v is not None else "…" for v in (p["min"], p["max"])
                )
                + f" {p['currency']}",
            }
        ),
        "joint_not_allowed": lambda: _("Joint applications are not allowed."),
        "joint_fits": lambda: (
            _("Joint applications are allowed and %(count)s members meet its countries and kinds.")
            % {"count": number(p["count"])}
        ),
        "joint_too_few": lambda: (
            _(
                "Joint applications are allowed, but only %(count)s members meet its countries "
                "and kinds."
            )
            % {"count": number(p["count"])}
        ),
    }
    return texts[reason.code]()


def match_rows(matches: Iterable[Match]) -> list[dict[str, Any]]:
    """The stable shape of `minga funding match --json` and GET .../funding/matches."""
    names = Names.load()
    return [
        {
            "call": m.call.key,
            "title": m.call.title,
            "score": m.score,
            "reasons": [reason_text(r, names) for r in m.reasons],
        }
        for m in matches
    ]


def _applicant(network: Network, organization: Organization | None) -> Applicant:
    return organization_applicant(organization) if organization else network_applicant(network)


# Cached in chunks, so a page of matches reads one chunk, not the whole ranking.
CHUNK = 100


class Ranking(Sequence[Match]):
    """Open calls ranked for the network, or for one member, best fit first: a sequence
    that reads only the chunks a slice asks for (a page, the step's top five)."""

    def __init__(self, key: str, count: int, compute: Callable[[], list[Match]]) -> None:
        self.key, self.size, self.compute = key, count, compute

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Match: ...
    @overload
    def __getitem__(self, index: slice) -> list[Match]: ...
    def __getitem__(self, index: int | slice) -> Match | list[Match]:
        if isinstance(index, int):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        start, stop, _step = index.indices(self.size)
        if start >= stop:
            return []
        names = [f"{self.key}:{c}" for c in range(start // CHUNK, (stop - 1) // CHUNK + 1)]
        found = cache.get_many(names)
        if len(found) < len(names):  # a chunk was evicted: rank again
            return self.compute()[start:stop]
        rows = [match for name in names for match in found[name]]
        offset = (start // CHUNK) * CHUNK
        return rows[start - offset : stop - offset]


def matches(
    network: Network, organization: Organization | None = None, now: datetime | None = None
) -> Sequence[Match]:
    """Open calls ranked for the network, or for one member, best fit first. Ranked once
    per state of the catalogue and the needs (and at most every ten minutes, for changes
    to the members themselves); pages then read the chunk they show."""
    if now is not None:  # a given moment: computed, not cached (tests, the command)
        return _ranked(network, organization, now)
    key = f"minga:funding-matches:{network.pk}:{organization.pk if organization else 0}:" + (
        _catalogue_state(network, organization)
    )

    def compute() -> list[Match]:
        ranked = _ranked(network, organization, timezone.now())
        chunks = {
            f"{key}:{c}": ranked[c * CHUNK : (c + 1) * CHUNK]
            for c in range(max(1, -(-len(ranked) // CHUNK)))
        }
        cache.set_many({**chunks, key: len(ranked)}, timeout=600)
        return ranked

    count: int | None = cache.get(key)
    if count is None:
        count = len(compute())
    return Ranking(key, count, compute)


def _ranked(network: Network, organization: Organization | None, now: datetime) -> list[Match]:
    open_calls = (
        Call.objects.filter(network=network, deadline__gte=now)
        .prefetch_related("themes")
        .order_by("deadline", "pk")
    )
    return rank(_facts(network, open_calls), _applicant(network, organization), now)


def _catalogue_state(network: Network, organization: Organization | None) -> str:
    """What the ranking depends on, read from indexes: the open calls (their number
    changes when a deadline passes), the newest change to any call, and the needs."""
    now = timezone.now()
    calls = Call.objects.filter(network=network).aggregate(
        changed=Max("updated_at"), total=Count("pk")
    )
    open_count = Call.objects.filter(network=network, deadline__gte=now).count()
    if organization is None:
        needs = Need.objects.filter(network=network).aggregate(
            total=Count("pk"), newest=Max("pk"), amount=Sum("amount")
        )
        need_state = f"{needs['total']}:{needs['newest']}:{needs['amount']}"
    else:
        changed = (
            FundingProfile.objects.filter(organization=organization)
            .values_list("updated_at", flat=True)
            .first()
        )
        need_state = str(changed.timestamp() if changed else 0)
    stamp = calls["changed"].timestamp() if calls["changed"] else 0
    return f"{calls['total']}:{open_count}:{stamp}:{need_state}"


def match_for_call(network: Network, call: Call) -> Match:
    """How one call fits the network (its page): that call judged, not the catalogue."""
    return judge(_facts(network, [call])[0], network_applicant(network))


# The gap analysis -----------------------------------------------------------------------


def yearly_needs(network: Network) -> gap_rules.Yearly:
    found: gap_rules.Yearly = defaultdict(dict)
    for year, currency, total in (
        Need.objects.filter(network=network)
        .order_by()
        .values_list("year", "currency")
        .annotate(total=Sum("amount"))
    ):
        found[year][currency] = Decimal(total)
    return dict(found)


def yearly_grants(network: Network) -> gap_rules.Yearly:
    """Amounts awarded to joint applications, by the year they were awarded."""
    found: gap_rules.Yearly = defaultdict(dict)
    rows = (
        JointApplication.objects.filter(
            network=network, stage=Stage.AWARDED, awarded_amount__isnull=False
        )
        .order_by()
        .values_list("awarded_on", "currency")
        .annotate(total=Sum("awarded_amount"))
    )
    for on, currency, total in rows:
        year = found[on.year]
        year[currency] = year.get(currency, Decimal(0)) + Decimal(total)
    return dict(found)


def gap_rows(network: Network) -> list[gap_rules.GapRow]:
    return gap_rules.yearly_gap(
        yearly_needs(network), yearly_income(network), yearly_grants(network)
    )


@dataclass(frozen=True)
class SourceCoverage:
    source_type: str
    label: str
    with_access: int
    without: int  # of the organizations that recorded their funding
    amounts: dict[str, Decimal]  # annual amounts reported, by currency


def coverage(network: Network) -> tuple[int, int, list[SourceCoverage]]:
    """(organizations, of them recorded, per source type: how many draw on it and how many
    recorded that they do not)."""
    total = Organization.objects.filter(network=network).count()
    recorded = FundingProfile.objects.filter(organization__network=network).count()
    counts = {
        row["source_type"]: row["n"]
        for row in FundingAccess.objects.filter(organization__network=network)
        .order_by()
        .values("source_type")
        .annotate(n=Count("pk"))
    }
    amounts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for source_type, currency, amount in (
        FundingAccess.objects.filter(organization__network=network, annual_amount__isnull=False)
        .order_by()
        .values_list("source_type", "currency")
        .annotate(total=Sum("annual_amount"))
    ):
        amounts[source_type][currency] = Decimal(amount)
    return (
        total,
        recorded,
        [
            SourceCoverage(
                value,
                str(label),
                counts.get(value, 0),
                max(recorded - counts.get(value, 0), 0),
                amounts.get(value, {}),
            )
            for value, label in SourceType.choices
        ],
    )


def without_source(network: Network, source_type: str) -> QuerySet[Organization]:
    """Organizations that recorded their funding and do not draw on this source type."""
    return (
        Organization.objects.filter(network=network, funding_profile__isnull=False)
        .exclude(funding_access__source_type=source_type)
        .order_by("name", "pk")
    )


def funding_of(organization: Organization) -> tuple[FundingProfile | None, list[FundingAccess]]:
    return (
        FundingProfile.objects.filter(organization=organization).first(),
        list(organization.funding_access.all()),
    )


# What the mapping survey says -------------------------------------------------------------


@dataclass
class SurveyFigures:
    survey: str
    organizations: int = 0
    wanting: list[int] | None = None  # organizations asking for access to funding
    sources: dict[str, int] | None = None  # source type: organizations naming it
    offers: dict[str, list[int]] | None = None  # choice: organizations offering it


def _choices(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split()  # a select_multiple exported as space-separated names


def survey_figures(network: Network) -> SurveyFigures | None:
    """What the linked survey says, computed once per state of the survey and the link
    (an import changes the survey's `updated_at`)."""
    link = SurveyLink.objects.filter(network=network).select_related("survey").first()
    if link is None:
        return None
    survey = link.survey
    linked = survey.responses.filter(organization__isnull=False).count()
    key = (
        f"minga:funding-survey:{network.pk}:{link.pk}:{link.updated_at.timestamp()}:"
        f"{survey.pk}:{survey.updated_at.timestamp()}:{linked}"
    )
    found: SurveyFigures | None = cache.get(key)
    if found is None:
        found = _survey_figures(link)
        cache.set(key, found, timeout=24 * 3600)
    return found


def _survey_figures(link: SurveyLink) -> SurveyFigures:
    figures = SurveyFigures(survey=str(link.survey), wanting=[], sources={}, offers={})
    assert figures.wanting is not None and figures.sources is not None
    assert figures.offers is not None
    for organization, answers in latest_answers(link.survey):
        figures.organizations += 1
        if link.needs_question and link.funding_choice in _choices(
            answers.get(link.needs_question)
        ):
            figures.wanting.append(organization)
        if link.sources_question:
            named = {
                link.source_choices[c]
                for c in _choices(answers.get(link.sources_question))
                if c in link.source_choices
            }
            for source_type in named:
                figures.sources[source_type] = figures.sources.get(source_type, 0) + 1
        if link.offers_question:
            for choice in _choices(answers.get(link.offers_question)):
                figures.offers.setdefault(choice, []).append(organization)
    return figures


def choice_labels(link: SurveyLink, question: str) -> dict[str, str]:
    form = link.survey.parsed_form()
    language = get_language() or "es"
    for q in form.questions:
        if q.name == question:
            return {c.name: c.label(language) for c in form.choices.get(q.list_name, [])}
    return {}


def organization_names(ids: Iterable[int], limit: int = 10) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=list(ids)[:limit]).order_by("name"))


# Joint applications ---------------------------------------------------------------------


def applications(network: Network, stage: str | None = None) -> QuerySet[JointApplication]:
    rows = JointApplication.objects.filter(network=network).select_related(
        "lead", "call__funder", "network"
    )
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("deadline", "pk")


def pipeline(network: Network) -> list[tuple[str, str, int]]:
    """(stage, label, how many) for every stage, in the pipeline's order."""
    counts = {
        row["stage"]: row["n"]
        for row in JointApplication.objects.filter(network=network)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
    }
    return [(value, str(label), counts.get(value, 0)) for value, label in Stage.choices]


# The sustainability and financing plan -----------------------------------------------------


def plan_context(network: Network) -> dict[str, Any]:
    """What the plan page and its PDF show (the strategic plan's export reuses it)."""
    plan = SustainabilityPlan.objects.filter(network=network).first()
    rows = gap_rows(network)
    return {
        "network": network,
        "plan": plan,
        "mechanisms": [
            label for value, label in Mechanism.choices if plan and value in plan.mechanisms
        ],
        "lines": PlanLine.objects.filter(network=network).select_related("owner__user")[:500],
        "gap": rows,
    }
