"""Draw pages in the reader's language: features and values by their labels (a pool from the
directory) or as the uploader wrote them (a pool from CSV), numbers and chart ticks in the
page's format, and irreversible steps that ask first, without JavaScript."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from minga.sortition import charts
from minga.sortition.engine import csvio
from minga.sortition.models import Draw, DrawState


def _texts(html: str) -> str:
    """The page's text between tags, without scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_a_directory_draw_shows_features_and_values_by_their_labels(
    world, make_draw, client_as, language
):
    draw = make_draw("drawn")
    client = client_as(world.coordinator, language)
    with translation.override(language):
        country, size = gettext("Country"), gettext("Size")
        small, argentina = gettext("Small"), "Argentina"
    for url in (draw.get_absolute_url(), f"/n/red/sortition/{draw.pk}/quotas/"):
        text = _texts(client.get(url).content.decode())
        assert country in text and size in text and small in text and argentina in text
        for code in (" AR ", " BR ", " CO ", " small ", " medium ", " country ", " size "):
            assert code not in f" {text} ", (url, code)


def test_the_published_files_keep_the_stored_codes_byte_for_byte(world, make_draw, client_as):
    draw = make_draw("published")
    client = client_as(world.coordinator, "es")
    instance = draw.instance()
    people = client.get(f"/n/red/sortition/{draw.pk}/people.csv").content.decode()
    features = client.get(f"/n/red/sortition/{draw.pk}/features.csv").content.decode()
    assert people == csvio.write_people(instance)
    assert features == csvio.write_features(instance)
    assert "country,AR,1,1" in features and ",small" in people


def test_a_csv_draw_shows_the_uploaders_own_names(world, client_as):
    client = client_as(world.coordinator, "es")
    client.post(
        "/n/red/sortition/new/",
        {
            "title": "Panel",
            "seats": 1,
            "pool_kind": "people",
            "algorithm": "leximin",
            "people_csv": SimpleUploadedFile("p.csv", b"id,country\nx1,AR\nx2,BR\n"),
            "features_csv": SimpleUploadedFile(
                "f.csv", b"feature,value,min,max\ncountry,AR,0,1\ncountry,BR,0,1\n"
            ),
        },
    )
    draw = Draw.objects.get()
    text = _texts(client.get(f"/n/red/sortition/{draw.pk}/quotas/").content.decode())
    assert " country AR " in f" {text} " and "Argentina" not in text


def test_a_bad_file_is_reported_in_the_readers_language_with_row_column_and_value(world, client_as):
    response = client_as(world.coordinator, "es").post(
        "/n/red/sortition/new/",
        {
            "title": "Panel",
            "seats": 2,
            "pool_kind": "people",
            "algorithm": "leximin",
            "people_csv": SimpleUploadedFile("p.csv", b"id,gender\nx1,woman\n"),
            "features_csv": SimpleUploadedFile(
                "f.csv", b"feature,value,min,max\ngender,woman,0,uno\n"
            ),
        },
    )
    assert "features.csv, fila 2, max: 'uno' no es un número entero" in html.unescape(
        response.content.decode()
    )
    assert not Draw.objects.exists()


def test_numbers_are_written_in_the_pages_language(world, make_draw, client_as):
    draw = make_draw("drawn")
    assert draw.min_probability is not None
    shown = f"{draw.min_probability:.4f}"
    spanish = client_as(world.member, "es").get(draw.get_absolute_url()).content.decode()
    english = client_as(world.member, "en").get(draw.get_absolute_url()).content.decode()
    assert f'class="min-probability">{shown.replace(".", ",")}<' in spanish
    assert f'class="min-probability">{shown}<' in english


def _ticks(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def test_the_chart_writes_its_ticks_in_the_readers_language_and_no_metadata():
    chosen = [0.012 + 0.001 * i for i in range(30)]
    labels = dict.fromkeys(("title", "x", "y", "chosen", "legacy", "even"), "·")
    with translation.override("es"):
        spanish = charts.probabilities_svg(chosen, [], seats=1, labels=labels)
    with translation.override("en"):
        english = charts.probabilities_svg(chosen, [], seats=1, labels=labels)
    assert b"<metadata" not in spanish and b"Matplotlib" not in spanish and b"<!--" not in spanish
    assert any(re.fullmatch(r"\d,\d%", tick) for tick in _ticks(spanish)), _ticks(spanish)
    assert any(re.fullmatch(r"\d\.\d%", tick) for tick in _ticks(english)), _ticks(english)
    # The members are counted in whole numbers.
    counts = [t for t in _ticks(spanish) if not t.endswith("%") and t != "·"]
    assert counts and all(t.isdigit() for t in counts), counts


STEPS = [
    ("computed", "publish", {}, "Publishing fixes the pool", DrawState.PUBLISHED),
    ("published", "seed", {"seed": "77"}, "The seed is fixed for good", DrawState.SEED_FIXED),
    ("seed_fixed", "draw", {}, "the draw is never repeated", DrawState.DRAWN),
    ("drawn", "seat", {}, "a mandate that comes from this draw", DrawState.SEATED),
]


@pytest.mark.parametrize(("stage", "step", "data", "consequence", "after"), STEPS)
def test_an_irreversible_step_asks_first_and_says_what_cannot_be_undone(
    world, make_draw, client_as, stage, step, data, consequence, after
):
    draw = make_draw(stage)
    client = client_as(world.coordinator)
    url = f"/n/red/sortition/{draw.pk}/{step}/"
    asked = client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "This cannot be undone." in page and consequence in page
    assert 'name="confirmed" value="1"' in page and f'action="{url}"' in page
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in page
    draw.refresh_from_db()
    assert draw.state == stage
    done = client.post(url, {**data, "confirmed": "1"})
    assert done.status_code == 302
    draw.refresh_from_db()
    assert draw.state == after


def test_a_decline_asks_first_then_replaces(world, make_draw, client_as):
    draw = make_draw("drawn")
    member = draw.panel[0]
    client = client_as(world.coordinator)
    url = f"/n/red/sortition/{draw.pk}/decline/"
    page = client.post(url, {"member": member}).content.decode()
    assert "leaves the panel and cannot return" in page
    assert not draw.declines.exists()
    client.post(url, {"member": member, "confirmed": "1"})
    draw.refresh_from_db()
    assert draw.declines.count() == 1 and member not in draw.current_panel


def test_a_member_cannot_reach_the_confirmation(world, make_draw, client_as):
    draw = make_draw("computed")
    response = client_as(world.member).post(f"/n/red/sortition/{draw.pk}/publish/")
    assert response.status_code == 403


def test_the_explanation_of_impossible_quotas_names_them_by_their_labels(
    world, make_draw, client_as
):
    draw = make_draw()
    client = client_as(world.coordinator, "en")
    rows = client.get(f"/n/red/sortition/{draw.pk}/quotas/").context["rows"]
    data = {f"min-{r['index']}": r["min"] for r in rows} | {
        f"max-{r['index']}": r["max"] for r in rows
    }
    small = next(r["index"] for r in rows if r["value"] == "small")
    data[f"min-{small}"] = data[f"max-{small}"] = 3
    medium = next(r["index"] for r in rows if r["value"] == "medium")
    data[f"min-{medium}"] = 1
    text = client.post(f"/n/red/sortition/{draw.pk}/feasibility/", data).content.decode()
    assert "Size: the minimums add up to 4, more than the 3 seats." in text
    assert "Size = Medium: min 1 → 0" in text or "Size = Small: min 3 → 2" in text
