"""Issue 18: what an import stores so that reads never stream every response again. The
report, its charts and the command read the questions' summaries as the import left them
(the same figures as streaming the answers), the report's filter reads an index of the
choices made, and an organization's matches are counted by the database, at most a page."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
from collections import Counter
from dataclasses import asdict
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.core.testing import assert_queries_flat
from minga.mapping import actions, matching, queries, stats
from minga.mapping.models import (
    OrganizationTrait,
    QuestionSummary,
    Response,
    ResponseChoice,
    Survey,
)
from minga.mapping.template import template_form
from minga.mapping.tests.test_forms_report import HEADER, ROWS
from minga.mapping.tests.test_forms_xlsform import every_type_form
from minga.mapping.xlsform import read_form


def _figures(summary: stats.Summary) -> dict[str, Any]:
    """What the report and the charts show of a summary (texts: the first groups, the rest
    counted)."""
    shown = asdict(summary)
    texts = queries.texts_of(summary)
    for name in ("top", "other_answers", "other_groups", "stored_points", "bounds", "points"):
        shown.pop(name)
    return {**shown, "texts": asdict(texts), "points": summary.point_count}


def _stored(summary: stats.Summary, points: bool = False) -> stats.Summary:
    """A summary as the database gives it back (JSON both ways)."""
    data = json.loads(json.dumps(summary.to_json()))
    kept = json.loads(json.dumps([list(p) for p in summary.points])) if points else None
    return stats.Summary.from_json(data, lambda n: f"<{n}>", kept)


def test_a_stored_summary_shows_what_streaming_the_answers_shows():
    """Random numbers (whole and not), dates, texts with many spellings and groups: the
    stored summary, read back, gives the same figures, the same bins in the reader's way
    of writing numbers, and the same points."""
    form = read_form(every_type_form())
    rng = random.Random(18)
    words = ["Bogotá", "bogota", "Lima", "São Paulo", "Sao Paulo", *(f"w{n}" for n in range(40))]
    rows: list[dict[str, Any]] = []
    for n in range(400):
        rows.append(
            {
                "t": rng.choice(words),
                "i": rng.randint(-3, 500),
                "d": rng.uniform(-2.5, 90.0) if n % 7 else "not a number",
                "r": rng.randint(1, 9),
                "da": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "ti": f"{rng.randint(0, 23):02d}:15",
                "gp": f"{rng.uniform(-60, 60):.4f} {rng.uniform(-100, 100):.4f} 0 0",
                "rk": rng.sample(["y", "n"], 2),
            }
        )
    streamed = stats.summarize(form, rows, number_format=lambda n: f"<{n}>")
    assert streamed["d"].unreadable and len(streamed["t"].top) > stats.STORED_TEXTS
    for key, summary in streamed.items():
        stored = _stored(summary, points=summary.kind == "point")
        assert _figures(stored) == _figures(summary), key
        assert stored.points == summary.points, key
        assert len(summary.to_json().get("top", [])) <= stats.STORED_TEXTS  # bounded


def _import(world, tmp_path, rows: list[list[str]], name: str = "todo") -> Survey:
    path = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return actions.import_responses(
        actor=world.coordinator,
        network=world.network,
        name=name,
        form=read_form(every_type_form()),
        data=path,
    ).survey


def test_each_import_recomputes_the_summaries_in_its_action(world, tmp_path):
    survey = _import(world, tmp_path, ROWS[:1])
    assert queries.summaries(survey)["t"].answered == 1
    survey = _import(world, tmp_path, ROWS)  # two new submissions, one already there
    stored = queries.summaries(survey)
    streamed = stats.summarize(survey.parsed_form(), queries.answers(survey))
    assert {k: _figures(s) for k, s in stored.items()} == {
        k: _figures(s) for k, s in streamed.items()
    }
    assert stored["t"].answered == 3
    point = queries.summary(survey, "gp")
    assert point is not None and point.points == streamed["gp"].points
    assert QuestionSummary.objects.filter(survey=survey).count() == len(streamed)


def test_the_report_reads_the_stored_summaries_not_the_answers(world, client_as, tmp_path):
    survey = _import(world, tmp_path, ROWS)
    client = client_as(world.member, "en")
    with CaptureQueriesContext(connection) as context:
        page = client.get(f"/n/red/mapping/surveys/{survey.name}/")
    assert page.status_code == 200
    answers = [q["sql"] for q in context.captured_queries if '"answers"' in q["sql"]]
    assert answers == []  # no response's answers are read
    assert "Bogotá" in page.content.decode()


def test_the_kept_report_follows_each_import_and_the_readers_language(world, client_as, tmp_path):
    def answered(client) -> list[str]:
        page = client.get("/n/red/mapping/surveys/todo/").content.decode()
        return re.findall(r'<p class="muted">(\d+) (?:answered|respondieron|responderam)', page)

    _import(world, tmp_path, ROWS[:1])
    english, spanish = client_as(world.member, "en"), client_as(world.coordinator, "es")
    first = answered(english)
    assert first and max(first) == "1"
    assert answered(english) == first  # kept
    with CaptureQueriesContext(connection) as context:
        english.get("/n/red/mapping/surveys/todo/")
    summaries = [q["sql"] for q in context.captured_queries if "questionsummary" in q["sql"]]
    assert summaries == []  # the kept report is not computed again
    assert "respondieron" in spanish.get("/n/red/mapping/surveys/todo/").content.decode()
    _import(world, tmp_path, ROWS)  # the next import: the report shows its figures
    assert max(answered(english)) == "3"


def test_the_filter_reads_the_index_of_choices(world, tmp_path):
    """`where=QUESTION=CHOICE` finds the responses by `ResponseChoice` rows for a
    single-choice question (by their answers for a multiple-choice one), the same ones
    `stats.matches` finds in the answers; the index holds single choices only."""
    survey = _import(world, tmp_path, ROWS)
    form = survey.parsed_form()
    every = list(queries.answers(survey))
    for question in (q for q in form.questions if q.is_select):
        for choice in form.choices_of(question):
            expected = [
                a for a in every if stats.matches(a, question.key, choice.name, question.repeat)
            ]
            found = list(queries.answers(survey, (question.key, choice.name)))
            assert found == expected, (question.key, choice.name)
    indexed = set(ResponseChoice.objects.filter(survey=survey).values_list("question", flat=True))
    assert indexed == {q.key for q in form.questions if q.type == "select_one"}
    with CaptureQueriesContext(connection) as context:
        list(queries.answers(survey, ("s1", "a")))
    assert "mapping_responsechoice" in context.captured_queries[-1]["sql"]


def test_lists_of_surveys_never_load_the_form_or_the_tally(world, client_as, tmp_path):
    _import(world, tmp_path, ROWS)
    client = client_as(world.member, "en")
    with CaptureQueriesContext(connection) as context:
        page = client.get("/n/red/mapping/")
    assert page.status_code == 200 and "todo" in page.content.decode()
    surveys = [q["sql"] for q in context.captured_queries if 'FROM "mapping_survey"' in q["sql"]]
    assert surveys and not any('"tally"' in sql or '"form"' in sql for sql in surveys)
    listed = queries.surveys_of(world.network)
    assert listed[0].respondents == 3
    assert str(listed[0]) == str(Survey.objects.get(pk=listed[0].pk))  # the same title


# The directory's matches ------------------------------------------------------------------


def _answer(world, tmp_path, rows: list[tuple[str, str, str, str]]) -> None:
    path = tmp_path / f"orgs-{len(list(tmp_path.iterdir()))}.csv"
    lines = ["about_org/org_name;about_org/country;about_org/focus;join/needs;join/offers"]
    lines += [";".join([name, "co", focus, needs, offers]) for name, focus, needs, offers in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    actions.import_responses(
        actor=world.coordinator,
        network=world.network,
        name="directory",
        form=template_form(),
        data=path,
        create_organizations=True,
    )


def test_matches_are_those_of_every_profile_at_most_a_page(world, tmp_path):
    """The database's top matches are the first of those `matching` finds over every
    organization's newest answers, and at most MATCHES of each kind are shown."""
    rng = random.Random(7)
    focus = ["environment", "human_rights", "research", "womens_rights"]
    support = ["training", "funding_networks", "volunteers", "connection"]
    rows = [
        (
            f"Org {n}",
            rng.choice(focus),
            " ".join(rng.sample(support, rng.randint(0, 2))),
            " ".join(rng.sample(support, rng.randint(0, 2))),
        )
        for n in range(40)
    ]
    _answer(world, tmp_path, rows)
    _answer(world, tmp_path, [("Org 3", "research", "connection", "training")])  # newest wins
    organizations = list(world.network.organizations.prefetch_related("themes"))
    newest: dict[int, dict[str, Any]] = {}
    for organization, answers in (
        Response.objects.filter(organization__network=world.network)
        .order_by("imported_at", "pk")
        .values_list("organization_id", "answers")
    ):
        newest[organization] = answers
    profiles = [
        matching.profile(o.pk, [t.slug for t in o.themes.all()], newest.get(o.pk, {}))
        for o in organizations
    ]
    for target in profiles:
        organization = next(o for o in organizations if o.pk == target.key)
        found = queries.matches_for(organization, "en")
        assert [(o.pk, n) for o, n in found.similar] == [
            (s.key, s.shared) for s in matching.similar(target, profiles)
        ]
        offers = matching.offers_for(target, profiles)[: queries.MATCHES]
        assert [o.pk for o, _topics in found.offer_to_me] == [m.key for m in offers]
        assert [len(t) for _o, t in found.offer_to_me] == [len(m.topics) for m in offers]
        needs = matching.needs_met_by(target, profiles)[: queries.MATCHES]
        assert [o.pk for o, _topics in found.need_from_me] == [m.key for m in needs]
        assert found.surveyed == (target.key in newest)
    assert OrganizationTrait.objects.filter(network=world.network).exists()


def test_an_organizations_page_stays_small_as_the_network_grows(world, client_as, tmp_path):
    """Everyone offers what Fundación A needs: the page lists MATCHES of them, its size and
    queries do not grow with the network."""
    serial = itertools.count()

    def more() -> None:
        _answer(
            world,
            tmp_path,
            [(f"Colectivo {next(serial)}", "environment", "", "training") for _ in range(15)],
        )

    _answer(world, tmp_path, [("Fundación A", "environment", "training", "")])
    more()
    url = f"/n/red/organizations/{world.org_a.pk}/"
    client = client_as(world.member, "en")
    assert_queries_flat(client, url, more)
    sizes: Counter[int] = Counter()
    for step in range(2):
        page = client.get(url).content.decode()
        offers = page.split("Can offer what this organization needs")[1].split("</ul>")[0]
        assert offers.count("<li>") == queries.MATCHES
        sizes[step] = len(page)
        more()
    assert abs(sizes[1] - sizes[0]) < 100  # names only grow by a digit
