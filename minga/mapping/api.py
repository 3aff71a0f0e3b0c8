"""API of the mapping app: surveys and their systematized figures (the command line's JSON)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from the annotations at runtime and cannot resolve them as strings.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from minga.core.access import get_network_for
from minga.core.permissions import Action
from minga.mapping import queries
from minga.mapping.access import get_survey_for
from minga.mapping.models import Survey

router = Router(tags=["mapping"])


class SurveyOut(Schema):
    name: str
    title: str
    # The form's title per language (`form_title::Español (es)`), where it gives them.
    titles: dict[str, str]
    respondents: int
    questions: list[dict[str, Any]]
    updated_at: datetime


def _survey_out(survey: Survey) -> dict[str, Any]:
    form = survey.parsed_form()
    return {
        "name": survey.name,
        "title": survey.title,
        "titles": form.titles,
        "respondents": survey.respondents,
        "questions": [
            {
                "name": q.name,
                "key": q.key,
                "type": q.type,
                "labels": q.labels,
                "group": "/".join(q.group),
            }
            for q in form.questions
        ],
        "updated_at": survey.updated_at,
    }


class SurveyList(Schema):
    items: list[SurveyOut]
    count: int


@router.get("/networks/{slug}/surveys", response=SurveyList)
def list_surveys(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_SURVEYS)
    # The questions are shown (the form is read); the tally is not.
    surveys = [_survey_out(s) for s in queries.surveys_with_forms(network)]
    return {"items": surveys, "count": len(surveys)}


@router.get("/networks/{slug}/surveys/{name}", response=SurveyOut)
def get_survey(request: HttpRequest, slug: str, name: str) -> Any:
    return _survey_out(get_survey_for(request.user, slug, name))


@router.get("/networks/{slug}/surveys/{name}/systematize", response=dict[str, Any])
def systematize(request: HttpRequest, slug: str, name: str, where: str = "") -> Any:
    """`{"respondents", "questions": {NAME: {"type", "answered", ["selections"], "options"}}}`;
    `where=QUESTION=CHOICE` keeps only the respondents who chose it."""
    survey = get_survey_for(request.user, slug, name)
    return queries.systematize(survey, queries.parse_where(where, survey))


@router.get("/networks/{slug}/surveys/{name}/crosstab", response=dict[str, dict[str, int]])
def crosstab(
    request: HttpRequest, slug: str, name: str, row: str, col: str, where: str = ""
) -> Any:
    """`{ROW_CHOICE: {COL_CHOICE: count}}`."""
    survey = get_survey_for(request.user, slug, name)
    return queries.crosstab(survey, row, col, queries.parse_where(where, survey))


class TopItem(Schema):
    value: str
    count: int


@router.get("/networks/{slug}/surveys/{name}/top", response=list[TopItem])
def top(request: HttpRequest, slug: str, name: str, question: str, where: str = "") -> Any:
    """A text question's answers grouped ignoring case, accents and spaces."""
    survey = get_survey_for(request.user, slug, name)
    return queries.top(survey, question, queries.parse_where(where, survey))
