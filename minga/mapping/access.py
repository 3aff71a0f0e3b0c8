"""Fetch the mapping app's objects for a request, or refuse: 404 outside the network, 403
without the role. The pages and the API both come here."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from minga.core.access import get_network_for
from minga.core.permissions import Action
from minga.mapping.models import Survey
from minga.mapping.xlsform import Question


def get_survey_for(user: Any, slug: str, name: str, action: Action = Action.VIEW_SURVEYS) -> Survey:
    network = get_network_for(user, slug, action)
    survey = network.surveys.filter(name=name).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def get_question_for(survey: Survey, name: str) -> Question:
    """A question of the survey's form, named in the address (a chart's)."""
    question = survey.parsed_form().question(name)
    if question is None:
        raise Http404("No such question")
    return question
