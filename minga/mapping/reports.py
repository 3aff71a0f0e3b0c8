"""Read side of a survey: the figures behind the command line, the API and the report page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minga.core.models import Network
from minga.mapping import stats
from minga.mapping.models import Survey

Where = tuple[str, str] | None


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
                % {"choice": choice, "question": question.name}
            }
        )
    return question.name, choice.strip()


def answers(survey: Survey, where: Where = None) -> Iterator[dict[str, Any]]:
    rows = survey.answers()
    if where is None:
        return rows
    question, choice = where
    return (row for row in rows if stats.matches(row, question, choice))


def systematize(survey: Survey, where: Where = None) -> dict[str, Any]:
    form = survey.parsed_form()
    # Unfiltered counts are kept by each import; a filter streams the responses.
    counts = survey.counts() if where is None else stats.tally(form, answers(survey, where))
    return stats.systematize(form, counts)


def check_select(survey: Survey, field: str, name: str) -> None:
    question = survey.parsed_form().question(name)
    if question is None or not question.is_select:
        raise ValidationError(
            {field: _("%(name)s is not a select question of the survey.") % {"name": name}}
        )


def crosstab(survey: Survey, row: str, col: str, where: Where = None) -> dict[str, Any]:
    check_select(survey, "row", row)
    check_select(survey, "col", col)
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
    return stats.top_texts(answers(survey, where), question_name)


def single_network(slug: str | None) -> Network:
    """The named network, or the only one when no name is given (for the command line)."""
    if slug:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise ValidationError({"network": _("No network %(slug)s.") % {"slug": slug}})
        return network
    networks = list(Network.objects.all()[:2])
    if len(networks) != 1:
        raise ValidationError({"network": _("Name the network with --network SLUG.")})
    return networks[0]
