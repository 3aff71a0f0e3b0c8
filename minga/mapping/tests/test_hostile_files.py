"""Hostile and awkward files on the survey import page and in `minga survey import`: each is
refused with a clear message naming the file, nothing is stored, and the memory stays
bounded (the intake refuses before any parser sees the file); awkward encodings import."""

from __future__ import annotations

import csv
import html
import io
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.core.models import AuditEntry
from minga.core.tests import hostile
from minga.mapping.models import Response, Survey
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, LANGS, small_form
from minga.mapping.xlsform import write_form

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
BOMB_MESSAGE = " expands to 210 MB, larger than the 200 MB accepted."
ENTITY_MESSAGE = (
    ", part xl/worksheets/sheet1.xml: declares a DOCTYPE (entity expansion or external "
    "entities), which spreadsheets never carry; the file was refused."
)
FIELD_MESSAGE = (
    ", row 3: a cell is longer than 131,072 characters (is a quotation mark left open?)."
)


def hostile_files() -> list[tuple[str, bytes, str]]:
    """(name, content, what the message says after the name)."""
    return [
        ("bomb.xlsx", hostile.bomb_xlsx(210 * MiB), BOMB_MESSAGE),
        ("laughs.xlsx", hostile.billion_laughs_xlsx(), ENTITY_MESSAGE),
        ("xxe.xlsx", hostile.xxe_xlsx(), ENTITY_MESSAGE),
        (
            "forged.xlsx",
            hostile.lying_zip(hostile.bomb_xlsx(250 * MiB), "xl/worksheets/sheet1.xml", 1024),
            ", part xl/worksheets/sheet1.xml: holds more than its declared 1 KB (a forged zip).",
        ),
        ("huge.csv", hostile.huge_field_csv(), FIELD_MESSAGE),
    ]


HOSTILE = hostile_files()
IDS = [name for name, _, _ in HOSTILE]


def kobo_csv(encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
    text = buffer.getvalue()
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def post(client: Any, slug: str, data: tuple[str, bytes], form: tuple[str, bytes] | None) -> Any:
    files: dict[str, Any] = {"name": "mapeo", "data_file": io.BytesIO(data[1])}
    files["data_file"].name = data[0]
    if form is not None:
        files["form_file"] = io.BytesIO(form[1])
        files["form_file"].name = form[0]
    return client.post(f"/n/{slug}/mapping/import/", files)


def assert_nothing_stored() -> None:
    assert not Survey.objects.exists()
    assert not Response.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="survey.").exists()


def traced(call: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=IDS)
def test_the_page_refuses_a_hostile_answers_file(world, client_as, name, data, message):
    client = client_as(world.coordinator)
    form = ("form.xlsx", write_form(small_form(), LANGS))
    response, peak = traced(lambda: post(client, world.network.slug, (name, data), form))
    assert response.status_code == 422
    assert f"{name}{message}" in html.unescape(response.content.decode())
    assert "Traceback" not in response.content.decode()
    assert peak < 40 * MiB
    assert_nothing_stored()


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE[:4], ids=IDS[:4])
def test_the_page_refuses_a_hostile_questionnaire(world, client_as, name, data, message):
    client = client_as(world.coordinator)
    response = post(client, world.network.slug, ("export.csv", kobo_csv()), (name, data))
    assert response.status_code == 422
    assert f"{name}{message}" in html.unescape(response.content.decode())
    assert_nothing_stored()


def test_the_page_states_the_largest_file_and_refuses_larger_ones(world, client_as, settings):
    client = client_as(world.coordinator)
    page = client.get(f"/n/{world.network.slug}/mapping/").content.decode()
    assert "At most 20 MB." in page
    settings.MINGA_MAX_UPLOAD_BYTES = 100
    response = post(client, world.network.slug, ("export.csv", kobo_csv()), None)
    assert response.status_code == 422
    size = len(kobo_csv())
    assert f"export.csv is {size} B, larger than the 100 B accepted." in response.content.decode()
    assert_nothing_stored()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16", "cp1252", "utf-8-sig"])
def test_the_page_imports_each_encoding(world, client_as, encoding):
    client = client_as(world.coordinator)
    form = ("form.xlsx", write_form(small_form(), LANGS))
    response = post(client, world.network.slug, ("export.csv", kobo_csv(encoding)), form)
    assert response.status_code == 302, response.content.decode()
    names = set(Response.objects.values_list("answers__org_name", flat=True))
    assert "Fundación Uno" in names


def run_import(world: Any, form: Path, data: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "survey",
        "import",
        "--network",
        world.network.slug,
        "--form",
        str(form),
        "--data",
        str(data),
        "--name",
        "mapeo",
        stdout=out,
        stderr=err,
        verbosity=0,
    )
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=IDS)
def test_the_command_refuses_a_hostile_answers_file(world, tmp_path, name, data, message):
    form = hostile.write(tmp_path, "form.xlsx", write_form(small_form(), LANGS))
    path = hostile.write(tmp_path, name, data)
    with pytest.raises(CommandError) as caught:
        run_import(world, form, path)
    assert str(caught.value) == f"{name}{message}"
    assert_nothing_stored()


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE[:4], ids=IDS[:4])
def test_the_command_refuses_a_hostile_questionnaire(world, tmp_path, name, data, message):
    form = hostile.write(tmp_path, name, data)
    path = hostile.write(tmp_path, "export.csv", kobo_csv())
    with pytest.raises(CommandError) as caught:
        run_import(world, form, path)
    assert str(caught.value) == f"{name}{message}"
    assert_nothing_stored()


def test_the_command_refuses_the_bomb_in_bounded_memory(world, tmp_path):
    form = hostile.write(tmp_path, "form.xlsx", write_form(small_form(), LANGS))
    path = hostile.write(tmp_path, "bomb.xlsx", hostile.bomb_xlsx(210 * MiB))
    tracemalloc.start()
    try:
        with pytest.raises(CommandError):
            run_import(world, form, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MiB
    assert_nothing_stored()
