"""Derived reads of the mapping app: a network's surveys, a survey's figures (for the command
line, the API and the report page) and the directory's matches between organizations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minga.core.models import Network, Organization
from minga.mapping import derived, matching, stats
from minga.mapping.models import (
    OrganizationTrait,
    QuestionSummary,
    ResponseChoice,
    Survey,
)

Where = tuple[str, str] | None


# Surveys and their figures ---------------------------------------------------------------


# What a list of surveys shows: never the form nor the tally (large JSON documents).
LISTED = ("pk", "network", "name", "title", "titles", "respondents", "created_at", "updated_at")


def surveys_of(network: Network) -> list[Survey]:
    """The network's surveys, newest first (the reverse manager sets each one's network),
    without their forms and tallies (`Survey.titles` and `respondents` say what lists show)."""
    return list(network.surveys.only(*LISTED))


def surveys_with_forms(network: Network) -> list[Survey]:
    """The network's surveys with their forms (a list showing the questions), never their
    tallies."""
    return list(network.surveys.defer("tally"))


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
    spelling), streamed in chunks (constant memory); with `where`, only the matching ones,
    found by the index of single choices (`ResponseChoice`, the report's filters), not by
    their answers (a multiple-choice question's are read)."""
    responses = survey.responses.all()
    question = survey.parsed_form().question(where[0]) if where is not None else None
    if where is not None and question is not None and derived.is_indexed(question):
        responses = responses.filter(
            pk__in=ResponseChoice.objects.filter(
                survey=survey, question=where[0], choice=where[1]
            ).values("response_id")
        )
    rows: Iterator[dict[str, Any]] = (
        responses.order_by("pk").values_list("answers", flat=True).iterator(chunk_size=5000)
    )
    if where is None or (question is not None and derived.is_indexed(question)):
        return rows
    # A multiple-choice question's choices are not indexed: its answers are read.
    key, choice = where
    repeat = question.repeat if question is not None else ""
    return (row for row in rows if stats.matches(row, key, choice, repeat))


def summaries(
    survey: Survey, where: Where = None, number_format: stats.NumberFormat = None
) -> dict[str, stats.Summary]:
    """The summary of every question that is neither a select nor a note: as the last
    import stored it (one query, points left out) or, filtered, from the matching answers."""
    if where is not None:
        form = survey.parsed_form()
        return stats.summarize(form, answers(survey, where), number_format=number_format)
    rows = QuestionSummary.objects.filter(survey=survey).defer("points")
    found = {row.question: stats.Summary.from_json(row.data, number_format) for row in rows}
    return {q.key: found[q.key] for q in survey.parsed_form().questions if q.key in found}


def summary(
    survey: Survey, key: str, where: Where = None, number_format: stats.NumberFormat = None
) -> stats.Summary | None:
    """One question's summary, with its points (a chart's)."""
    if where is not None:
        form = survey.parsed_form()
        found = stats.summarize(form, answers(survey, where), [key], number_format=number_format)
        return found.get(key)
    row = QuestionSummary.objects.filter(survey=survey, question=key).first()
    return stats.Summary.from_json(row.data, number_format, row.points) if row else None


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


SIMILAR = 5  # similar organizations shown
MATCHES = 10  # organizations shown per side of needs ↔ offers, the most topics first


def matches_for(organization: Organization, language: str) -> OrganizationMatches:
    """An organization's matches, counted by the database over the stored traits
    (`OrganizationTrait`, its newest response's) and the directory's themes: at most
    SIMILAR similar organizations and MATCHES per side of needs ↔ offers, whatever the
    network's size."""
    network = organization.network
    mine = list(
        OrganizationTrait.objects.filter(organization=organization).values_list("trait", flat=True)
    )
    traits = [t for t in mine if t.startswith(matching.TRAIT)]
    wanted = [
        matching.OFFER + t.removeprefix(matching.NEED) for t in mine if t.startswith(matching.NEED)
    ]
    offered = [
        matching.NEED + t.removeprefix(matching.OFFER) for t in mine if t.startswith(matching.OFFER)
    ]
    similar = _similar(network, organization.pk, traits)
    offer_keys = _meeting(network, organization.pk, wanted)
    need_keys = _meeting(network, organization.pk, offered)
    topics: dict[tuple[int, str], list[str]] = {}
    if offer_keys or need_keys:
        for key, trait in OrganizationTrait.objects.filter(
            organization_id__in={*offer_keys, *need_keys}, trait__in=[*wanted, *offered]
        ).values_list("organization_id", "trait"):
            side, _colon, topic = trait.partition(":")
            topics.setdefault((key, side), []).append(topic)
    keys = {k for k, _n in similar} | set(offer_keys) | set(need_keys)
    by_pk = (
        Organization.objects.filter(network=network).select_related("network").in_bulk(keys)
        if keys
        else {}
    )
    labels = _support_labels(network, language) if offer_keys or need_keys else {}

    def named(key: int, side: str) -> tuple[Organization, list[str]]:
        return by_pk[key], [labels.get(t, t) for t in sorted(topics.get((key, side), []))]

    offer_side, need_side = matching.OFFER.rstrip(":"), matching.NEED.rstrip(":")
    return OrganizationMatches(
        similar=[(by_pk[k], shared) for k, shared in similar if k in by_pk],
        offer_to_me=[named(k, offer_side) for k in offer_keys if k in by_pk],
        need_from_me=[named(k, need_side) for k in need_keys if k in by_pk],
        surveyed=matching.ANSWERED in mine,
    )


def _similar(network: Network, pk: int, traits: list[str]) -> list[tuple[int, int]]:
    """`(organization, shared)`: those sharing the most themes and traits with `pk` (at least
    one), most shared first, ties by key: one aggregate over two indexed tables (`pk`'s
    themes read by a subquery)."""
    from django.db import connection

    quote = connection.ops.quote_name
    through = quote(Organization.themes.through._meta.db_table)
    organizations = quote(Organization._meta.db_table)
    organization_id, theme_id = quote("organization_id"), quote("theme_id")
    parts = [
        f"SELECT t.{organization_id} AS org FROM {through} t "  # noqa: S608
        f"INNER JOIN {organizations} o ON o.{quote('id')} = t.{organization_id} "
        f"WHERE o.{quote('network_id')} = %s AND t.{organization_id} <> %s AND t.{theme_id} IN "
        f"(SELECT {theme_id} FROM {through} WHERE {organization_id} = %s)"
    ]
    params: list[Any] = [network.pk, pk, pk]
    if traits:
        marks = ", ".join(["%s"] * len(traits))
        parts.append(
            f"SELECT {organization_id} AS org FROM {quote(OrganizationTrait._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('network_id')} = %s AND {quote('trait')} IN ({marks}) "
            f"AND {organization_id} <> %s"
        )
        params += [network.pk, *traits, pk]
    # Identifiers are the models' own, quoted; every value is a parameter.
    sql = (
        f"SELECT m.org, COUNT(*) AS shared FROM ({' UNION ALL '.join(parts)}) m "  # noqa: S608
        "GROUP BY m.org ORDER BY shared DESC, m.org LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, SIMILAR])
        return [(int(org), int(shared)) for org, shared in cursor.fetchall()]


def _meeting(network: Network, pk: int, wanted: list[str]) -> list[int]:
    """Those holding the most of the `wanted` traits (offers of what `pk` needs, or needs
    of what it offers), the most first, ties by key."""
    from django.db.models import Count

    if not wanted:
        return []
    return list(
        OrganizationTrait.objects.filter(network=network, trait__in=wanted)
        .exclude(organization_id=pk)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization_id")
        .values_list("organization_id", flat=True)[:MATCHES]
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

TOP_TEXTS = stats.STORED_TEXTS  # a free-text question lists its most frequent groups


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


def top_texts(
    grouped: list[dict[str, Any]],
    answered: int,
    limit: int = TOP_TEXTS,
    *,
    other_answers: int = 0,
    other_groups: int = 0,
) -> TopTexts:
    """The first `limit` groups; `other_*` count groups already left out (a stored summary
    keeps `stats.STORED_TEXTS` of them)."""
    shown = grouped[:limit]
    rest = grouped[limit:]
    return TopTexts(
        answered=answered,
        top=[{**item, "share": stats.percent(item["count"], answered)} for item in shown],
        other_answers=other_answers + sum(item["count"] for item in rest),
        other_groups=other_groups + len(rest),
    )


def texts_of(summary: stats.Summary) -> TopTexts:
    return top_texts(
        summary.top,
        summary.answered,
        other_answers=summary.other_answers,
        other_groups=summary.other_groups,
    )


def latest_answers(survey: Survey) -> Iterator[tuple[int, dict[str, Any]]]:
    """(organization id, answers) of each linked organization's newest response to the
    survey, read in chunks: what another step (financing's gap analysis) derives from the
    survey, once per state of it."""
    rows = (
        survey.responses.filter(organization__isnull=False)
        .order_by("organization_id", "-imported_at", "-pk")
        .values_list("organization_id", "answers")
        .iterator(chunk_size=2000)
    )
    previous = None
    for organization, answers in rows:
        if organization != previous:
            previous = organization
            yield organization, answers
