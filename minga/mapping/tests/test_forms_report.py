"""Every question type in the report (issue #11): types Minga does not tally still show how
many answered; numbers, ranges and ranks as distributions, dates and times as histograms,
geopoints as points drawn without a network call; an export carrying calculate columns
imports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest

from minga.mapping import stats
from minga.mapping.models import Response, Survey
from minga.mapping.tests.test_forms_xlsform import every_type_form
from minga.mapping.xlsform import read_form

HEADER = [
    "start",
    "end",
    "today",
    "deviceid",
    "t",
    "i",
    "d",
    "r",
    "da",
    "ti",
    "dt",
    "gp",
    "gt",
    "im",
    "ba",
    "ac",
    "ca",
    "hi",
    "s1",
    "sm",
    "rk",
    "sf",
    "se",
    "_uuid",
]
ROWS = [
    [
        "2024-03-01T09:00:00.000-03:00",
        "2024-03-01T09:20:00.000-03:00",
        "2024-03-01",
        "dev-1",
        "Bogotá",
        "3",
        "2.5",
        "7",
        "2024-03-01",
        "09:15:00.000-03:00",
        "2024-03-01T09:15:00.000-03:00",
        "4.60 -74.08 2600 5",
        "4.6 -74.0 0 0;4.7 -74.1 0 0",
        "photo-1.jpg",
        "7701234",
        "OK",
        "2",
        "h",
        "y",
        "y n",
        "n y",
        "bogota",
        "a",
        "u-1",
    ],
    [
        "2024-03-02T10:00:00.000-03:00",
        "",
        "2024-03-02",
        "dev-2",
        "bogota",
        "5",
        "",
        "7",
        "2024-03-05",
        "14:40:00.000-03:00",
        "2024-03-02T14:40:00.000-03:00",
        "-34.60 -58.38 25 4",
        "",
        "",
        "",
        "",
        "2",
        "",
        "n",
        "n",
        "y n",
        "",
        "",
        "u-2",
    ],
    [
        "2024-03-03T11:00:00.000-03:00",
        "",
        "2024-03-03",
        "dev-1",
        "Lima",
        "3",
        "",
        "10",
        "2024-03-05",
        "not a time",
        "",
        "nowhere",
        "",
        "photo-3.jpg",
        "",
        "",
        "2",
        "",
        "",
        "",
        "n y",
        "",
        "",
        "u-3",
    ],
]


def export_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *ROWS])
    return buffer.getvalue().encode()


def rows_as_answers() -> list[dict[str, object]]:
    """Answers as the decoder stores them (numbers as numbers, a rank as a list)."""
    answers = []
    for row in ROWS:
        values = dict(zip(HEADER, row, strict=True))
        decoded: dict[str, object] = {k: v for k, v in values.items() if v and k != "_uuid"}
        for name, cast in (("i", int), ("d", float), ("r", int)):
            if name in decoded:
                decoded[name] = cast(str(decoded[name]))
        if "rk" in decoded:
            decoded["rk"] = str(decoded["rk"]).split()
        answers.append(decoded)
    return answers


def test_each_type_is_summarized_as_its_kind():
    form = read_form(every_type_form())
    found = stats.summarize(form, rows_as_answers())
    assert {name: s.kind for name, s in found.items()} | {} == {
        **dict.fromkeys(["start", "end", "today", "da", "dt"], "date"),
        **dict.fromkeys(["deviceid", "username", "phonenumber", "email", "t", "ba"], "text"),
        **dict.fromkeys(["ca", "hi", "sf", "smf", "se", "who", "pick"], "text"),
        **dict.fromkeys(["i", "d", "r"], "number"),
        **dict.fromkeys(["gp", "where_started"], "point"),
        **dict.fromkeys(["gt", "gs", "im", "au", "vi", "fi", "ac"], "count"),
        "ti": "time",
        "rk": "rank",
    }
    answered = {name: s.answered for name, s in found.items() if s.answered}
    assert answered == {
        "start": 3,
        "end": 1,
        "today": 3,
        "deviceid": 3,
        "t": 3,
        "i": 3,
        "d": 1,
        "r": 3,
        "da": 3,
        "ti": 3,
        "dt": 2,
        "gp": 3,
        "gt": 1,
        "im": 2,
        "ba": 1,
        "ac": 1,
        "ca": 3,
        "hi": 1,
        "rk": 3,
        "sf": 1,
        "se": 1,
    }
    # Numbers and ranges: distributions, one bar per whole value.
    assert found["i"].bins == [("3", 2), ("4", 0), ("5", 1)]
    assert found["r"].bins == [("7", 2), ("8", 0), ("9", 0), ("10", 1)]
    numbers = found["i"].numbers
    assert numbers is not None and (numbers.minimum, numbers.mean, numbers.maximum) == (3, 3.67, 5)
    # Dates by day, times by hour; what cannot be read is answered but not drawn.
    assert found["da"].bins == [
        ("2024-03-01", 1),
        ("2024-03-02", 0),
        ("2024-03-03", 0),
        ("2024-03-04", 0),
        ("2024-03-05", 2),
    ]
    hours = dict(found["ti"].bins)
    assert (hours["09"], hours["14"], len(hours), found["ti"].unreadable) == (1, 1, 24, 1)
    # Geopoints: (lat, lon) points; "nowhere" is no point.
    assert found["gp"].points == [(4.6, -74.08), (-34.6, -58.38)]
    assert found["gp"].unreadable == 1
    # Ranks: how often each choice came first, second; and its mean position.
    assert found["rk"].ranks == {"y": [1, 2], "n": [2, 1]}
    assert found["rk"].mean_ranks == {"y": 1.67, "n": 1.33}
    assert [item["value"] for item in found["t"].top] == ["Bogotá", "Lima"]


def test_histogram_bins_follow_the_span():
    assert stats.number_bins([0.5, 1.5, 10.0])[:2] == [("0.5–1.292", 1), ("1.292–2.083", 1)]
    assert len(stats.number_bins([float(n) for n in range(100)])) == stats.MAX_BINS
    assert stats.number_bins([4.0, 4.0]) == [("4", 2)]
    months = stats.date_bins(Counter({"2023-11-30": 1, "2024-02-01": 2}))
    assert months == [("2023-11", 1), ("2023-12", 0), ("2024-01", 0), ("2024-02", 2)]
    years = stats.date_bins(Counter({"2001-05-01": 1, "2024-02-01": 1}))
    assert years[0] == ("2001", 1) and years[-1] == ("2024", 1) and len(years) == 24


def test_a_repeats_questions_are_summarized_per_instance():
    form = read_form(every_type_form())
    rows: list[dict[str, Any]] = [
        {"visit": [{"who": "Ana"}, {"who": "ana"}, {"who": "Luis"}]},
        {"visit": []},
    ]
    found = stats.summarize(form, rows, ["who"])
    assert found["who"].answered == 3
    assert found["who"].top == [{"value": "Ana", "count": 2}, {"value": "Luis", "count": 1}]


def upload(client, data: bytes, name: str = "todo"):
    files: dict[str, Any] = {
        "name": name,
        "data_file": io.BytesIO(data),
        "form_file": io.BytesIO(every_type_form()),
    }
    files["data_file"].name = "export.csv"
    files["form_file"].name = "every-type.xlsx"
    return client.post("/n/red/mapping/import/", files)


@pytest.fixture
def survey(world, client_as):
    response = upload(client_as(world.coordinator), export_csv())
    assert response.status_code == 302, response.content.decode()
    return Survey.objects.get(name="todo")


def test_an_export_with_every_type_and_calculate_columns_imports(survey):
    assert Response.objects.filter(survey=survey).count() == 3
    first = Response.objects.get(survey=survey, key="u-1").answers
    assert first["ca"] == "2" and first["gp"] == "4.60 -74.08 2600 5"
    assert first["r"] == 7 and first["rk"] == ["n", "y"]


def test_the_report_shows_every_answered_type(world, client_as, survey):
    page = client_as(world.member, "en").get("/n/red/mapping/surveys/todo/").content.decode()
    for name in ("t", "i", "r", "da", "ti", "dt", "gp", "gt", "im", "ba", "ac", "ca", "rk", "se"):
        assert f'id="q-{name}"' in page, name
    assert 'id="q-no"' not in page  # a note has no answers
    assert 'id="q-username"' not in page  # metadata the export did not carry
    assert "Mean position" in page and "could not be read" in page
    for name in ("i", "r", "da", "ti", "gp", "rk"):
        assert f"/charts/{name}.svg" in page, name
    # Free text is listed (its most frequent answers), never drawn as a bar per answer.
    for name in ("gt", "im", "ac", "t", "ca"):
        assert f"/charts/{name}.svg" not in page, name


@pytest.mark.parametrize("question", ["i", "r", "d", "da", "dt", "ti", "gp", "rk", "ca", "start"])
def test_each_summary_chart_is_an_svg_without_network(world, client_as, survey, question):
    response = client_as(world.member, "en").get(
        f"/n/red/mapping/surveys/todo/charts/{question}.svg"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<?xml") and "<svg" in body
    # Drawn from the answers alone: no map tiles, no image or link fetched from anywhere.
    assert "<image" not in body and 'href="http' not in body


def test_no_chart_where_nothing_is_drawn(world, client_as, survey):
    client = client_as(world.member, "en")
    assert client.get("/n/red/mapping/surveys/todo/charts/im.svg").status_code == 404
    assert client.get("/n/red/mapping/surveys/todo/charts/no.svg").status_code == 404
