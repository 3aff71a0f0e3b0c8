"""What an import stores beside a survey's responses, so that reads never stream them all:
each question's summary (`QuestionSummary`), the choices each response made in
single-choice questions (`ResponseChoice`, the report's filter) and the answering
organizations' traits (`OrganizationTrait`, the directory's matches). Called by
`actions.import_responses` in its transaction, and by the migration that fills them for
surveys imported before.

The model classes are passed in (`Models`), so the migration runs this with its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from minga.mapping import matching, stats
from minga.mapping.xlsform import Form, Question

BATCH = 5000
ROWS = 200  # rows per INSERT statement (800 parameters)


@dataclass
class Models:
    Response: Any
    QuestionSummary: Any
    ResponseChoice: Any
    OrganizationTrait: Any


def current() -> Models:
    from minga.mapping import models

    return Models(
        models.Response, models.QuestionSummary, models.ResponseChoice, models.OrganizationTrait
    )


def is_indexed(question: Question) -> bool:
    """Whether a question's choices are indexed: single-choice ones (the report's filters),
    so the index holds about one row per response and such question, whatever the number
    of choices; a filter by a multiple-choice question reads the answers."""
    return question.type == "select_one"


def indexed(form: Form) -> list[Question]:
    return [q for q in form.questions if is_indexed(q)]


def chosen(questions: list[Question], answers: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """`(question, choice)` of every choice the answers made in `questions` (in any
    instance of a repeat), each once: what `stats.matches` finds, as index rows."""
    for question in questions:
        found: dict[str, None] = {}
        for value in stats.values(answers, question.key, question.repeat):
            for choice in value if isinstance(value, list) else [value]:
                found[str(choice)] = None
        for choice in found:
            yield question.key, choice


def refresh_survey(survey: Any, since: int = 0, models: Models | None = None) -> None:
    """Recompute the survey's question summaries in one pass over its responses (in import
    order, as the report did), indexing the choices of those after `since` (a pk) and the
    traits of the organizations they answer for (the newest response of each wins)."""
    m = models or current()
    form = Form.from_json(survey.form)
    questions = indexed(form)
    pending: list[tuple[int, int, str, str]] = []
    latest: dict[int, dict[str, Any]] = {}
    quote = connection.ops.quote_name
    names = ", ".join(map(quote, ("survey_id", "response_id", "question", "choice")))
    # Identifiers are the model's own, quoted; every value is a parameter. Plain rows: the
    # ORM's per-object work costs many times the insert on large imports.
    head = f"INSERT INTO {quote(m.ResponseChoice._meta.db_table)} ({names}) VALUES "  # noqa: S608

    def flush() -> None:
        # Statements of ROWS rows (a fifth less work for the database than one row each).
        whole = len(pending) - len(pending) % ROWS
        with connection.cursor() as cursor:
            for chunks in (
                [pending[start : start + ROWS] for start in range(0, whole, ROWS)],
                [pending[whole:]] if whole < len(pending) else [],
            ):
                if chunks:
                    cursor.executemany(
                        head + ", ".join(["(%s, %s, %s, %s)"] * len(chunks[0])),
                        [[value for row in chunk for value in row] for chunk in chunks],
                    )
        pending.clear()

    def rows() -> Iterator[dict[str, Any]]:
        found = (
            m.Response.objects.filter(survey_id=survey.pk)
            .order_by("pk")
            .values_list("pk", "answers", "organization_id")
            .iterator(chunk_size=BATCH)
        )
        for pk, answers, organization in found:
            if pk > since:
                pending.extend(
                    (survey.pk, pk, question, choice)
                    for question, choice in chosen(questions, answers)
                )
                if len(pending) >= BATCH:
                    flush()
                if organization is not None:
                    latest[organization] = answers
            yield answers

    summaries = stats.summarize(form, rows())
    flush()
    m.QuestionSummary.objects.filter(survey_id=survey.pk).delete()
    m.QuestionSummary.objects.bulk_create(
        [
            m.QuestionSummary(
                survey_id=survey.pk,
                question=key,
                data=summary.to_json(),
                points=[list(point) for point in summary.points],
            )
            for key, summary in summaries.items()
        ],
        batch_size=500,
    )
    if latest:
        _store_traits(m, survey.network_id, latest)


def _store_traits(m: Models, network: int, latest: dict[int, dict[str, Any]]) -> None:
    keys = list(latest)
    for start in range(0, len(keys), 500):
        m.OrganizationTrait.objects.filter(organization_id__in=keys[start : start + 500]).delete()
    m.OrganizationTrait.objects.bulk_create(
        [
            m.OrganizationTrait(network_id=network, organization_id=organization, trait=trait)
            for organization, answers in latest.items()
            for trait in matching.stored_traits(answers)
        ],
        batch_size=BATCH,
    )


def refresh_traits(network: Any, models: Models | None = None) -> None:
    """Rebuild the network's organizations' traits from each one's newest response (of any
    survey): after responses were linked to organizations outside an import."""
    m = models or current()
    latest: dict[int, dict[str, Any]] = {}
    rows = (
        m.Response.objects.filter(organization__network_id=network.pk)
        .order_by("imported_at", "pk")
        .values_list("organization_id", "answers")
        .iterator(chunk_size=BATCH)
    )
    for organization, answers in rows:
        latest[organization] = answers  # the newest response wins
    m.OrganizationTrait.objects.filter(network_id=network.pk).delete()
    _store_traits(m, network.pk, latest)
