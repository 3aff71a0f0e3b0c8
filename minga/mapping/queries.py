"""Derived reads of the mapping app: a network's surveys, a survey's figures (for the command
line, the API and the report page) and the directory's matches between organizations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minga.core.models import Network, Organization
from minga.mapping import matching, stats
from minga.mapping.models import Response, Survey

Where = tuple[str, str] | None


# Surveys and their figures ---------------------------------------------------------------


def surveys_of(network: Network) -> list[Survey]:
    """The network's surveys, newest first (the reverse manager sets each one's network)."""
    return list(network.surveys.all())


def parse_where(raw: str | None, survey: Survey) -> Where:
    """`QUESTION=CHOICE` → (question, choice), checked against the survey's form."""
    if not raw:
        return None
    question_name, sep, choice = raw.partition("=")
    form = survey.parsed_form()
    question = form.question(question_name.strip())
    if not sep or question is None or not question.is_select:
        raise ValidationError(
            {"where": _("Write QUESTION=CHOICE with a select question of the survey.")}
        )
    if form.choice(question, choice.strip()) is None:
        raise ValidationError(
            {
                "where": _("%(choice)s is not a choice of %(question)s.")
                % {"choice": choice, "question": question.key}
            }
        )
    return question.key, choice.strip()


def answers(survey: Survey, where: Where = None) -> Iterator[dict[str, Any]]:
    """Every response's answers in import order (ties in text grouping go to the first seen
    spelling), streamed in chunks (constant memory); with `where`, only the matching ones."""
    rows: Iterator[dict[str, Any]] = (
        survey.responses.order_by("pk").values_list("answers", flat=True).iterator(chunk_size=5000)
    )
    if where is None:
        return rows
    question, choice = where
    found = survey.parsed_form().question(question)
    repeat = found.repeat if found is not None else ""
    return (row for row in rows if stats.matches(row, question, choice, repeat))


def systematize(survey: Survey, where: Where = None) -> dict[str, Any]:
    form = survey.parsed_form()
    # Unfiltered counts are kept by each import; a filter streams the responses.
    counts = survey.counts() if where is None else stats.tally(form, answers(survey, where))
    return stats.systematize(form, counts)


def _check_select(survey: Survey, field: str, name: str) -> None:
    question = survey.parsed_form().question(name)
    if question is None or not question.is_select:
        raise ValidationError(
            {field: _("%(name)s is not a select question of the survey.") % {"name": name}}
        )


def crosstab(survey: Survey, row: str, col: str, where: Where = None) -> dict[str, Any]:
    _check_select(survey, "row", row)
    _check_select(survey, "col", col)
    return stats.crosstab(survey.parsed_form(), answers(survey, where), row, col)


def top(survey: Survey, question_name: str, where: Where = None) -> list[dict[str, Any]]:
    question = survey.parsed_form().question(question_name)
    if question is None or question.type != "text":
        raise ValidationError(
            {
                "question": _("%(name)s is not a text question of the survey.")
                % {"name": question_name}
            }
        )
    return stats.top_texts(answers(survey, where), question.key, question.repeat)


# The directory: similar organizations and needs ↔ offers ---------------------------------


@dataclass
class OrganizationMatches:
    similar: list[tuple[Organization, int]]
    offer_to_me: list[tuple[Organization, list[str]]]
    need_from_me: list[tuple[Organization, list[str]]]
    surveyed: bool


def _latest_answers(network: Network) -> dict[int, dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {}
    rows = (
        Response.objects.filter(organization__network=network)
        .order_by("imported_at", "pk")
        .values_list("organization_id", "answers")
    )
    for organization_id, data in rows:
        answers[organization_id] = data  # the newest response wins
    return answers


def matches_for(organization: Organization, language: str) -> OrganizationMatches:
    network = organization.network
    organizations = list(network.organizations.prefetch_related("themes"))
    answers = _latest_answers(network)
    by_pk = {o.pk: o for o in organizations}
    profiles = {
        o.pk: matching.profile(o.pk, [t.slug for t in o.themes.all()], answers.get(o.pk, {}))
        for o in organizations
    }
    target = profiles[organization.pk]
    others = list(profiles.values())
    labels = _support_labels(network, language)
    return OrganizationMatches(
        similar=[(by_pk[s.key], s.shared) for s in matching.similar(target, others)],
        offer_to_me=[
            (by_pk[m.key], [labels.get(t, t) for t in m.topics])
            for m in matching.offers_for(target, others)
        ],
        need_from_me=[
            (by_pk[m.key], [labels.get(t, t) for t in m.topics])
            for m in matching.needs_met_by(target, others)
        ],
        surveyed=organization.pk in answers,
    )


def _support_labels(network: Network, language: str) -> dict[str, str]:
    """Labels of the needs/offers choices, from the newest survey that asks them."""
    for survey in network.surveys.order_by("-updated_at").only("form"):
        form = survey.parsed_form()
        question = form.question(matching.NEEDS) or form.question(matching.OFFERS)
        if question is not None:
            return {c.name: c.label(language) for c in form.choices_of(question)}
    return {}


# The report's summary: who answered, from where -----------------------------------------

TOP_TEXTS = 10  # a free-text question lists its most frequent grouped answers


@dataclass
class CountryCount:
    code: str
    name: str
    count: int
    share: float  # of the responses


@dataclass
class ReportSummary:
    """What the report leads with: how many answered, how many of the directory's
    organizations, how many per country (names in the reader's language)."""

    responses: int
    organizations: int | None  # responses linked to the directory (unfiltered report only)
    directory: int  # organizations in the network's directory
    countries: list[CountryCount]
    questions: int


def _country_name(code: str, fallback: str) -> str:
    from django_countries import countries

    upper = code.upper()
    return str(countries.name(upper)) if upper in countries else fallback


def _countries(
    survey: Survey, figures: dict[str, Any], where: Where, language: str
) -> list[CountryCount]:
    """Responses per country: from the survey's own country question where it asks one
    (counted already), else from the answering organizations' countries (one aggregate)."""
    from django.db.models import Count

    responses = figures["respondents"]
    form = survey.parsed_form()
    question = form.question(matching.COUNTRY)
    pairs: list[tuple[str, str, int]] = []
    if question is not None and question.type == "select_one" and not question.repeat:
        options = figures["questions"][question.key]["options"]
        for choice in form.choices_of(question):
            count = options[choice.name]["count"]
            if count:
                pairs.append((choice.name, choice.label(language), count))
    elif where is None:
        rows = (
            survey.responses.exclude(organization__country="")
            .filter(organization__isnull=False)
            .values_list("organization__country")
            .annotate(count=Count("pk"))
        )
        pairs = [(str(code), str(code), count) for code, count in rows]
    found = [
        CountryCount(code, _country_name(code, label), count, stats.percent(count, responses))
        for code, label, count in pairs
    ]
    found.sort(key=lambda c: (-c.count, c.name))
    return found


def report_summary(
    survey: Survey, figures: dict[str, Any], where: Where, language: str
) -> ReportSummary:
    network = survey.network
    linked: int | None = None
    if where is None:
        linked = (
            survey.responses.filter(organization__isnull=False)
            .values("organization")
            .distinct()
            .count()
        )
    form = survey.parsed_form()
    return ReportSummary(
        responses=figures["respondents"],
        organizations=linked,
        directory=network.organizations.count(),
        countries=_countries(survey, figures, where, language),
        questions=sum(1 for q in form.questions if stats.summary_kind(q) or q.is_select),
    )


@dataclass
class TopTexts:
    """A free-text question's grouped answers: the most frequent, and the rest counted."""

    answered: int
    top: list[dict[str, Any]]  # value, count, share (percent of those who answered)
    other_answers: int  # answers in the groups not shown
    other_groups: int


def top_texts(grouped: list[dict[str, Any]], answered: int, limit: int = TOP_TEXTS) -> TopTexts:
    shown = grouped[:limit]
    rest = grouped[limit:]
    return TopTexts(
        answered=answered,
        top=[{**item, "share": stats.percent(item["count"], answered)} for item in shown],
        other_answers=sum(item["count"] for item in rest),
        other_groups=len(rest),
    )
