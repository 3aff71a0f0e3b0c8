"""Fixtures of the mapping tests: a small XLSForm and exports of it in several formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from minga.mapping.xlsform import Choice, Form, Question, write_form

LANGS = {"es": "Español", "pt": "Português", "en": "English"}


def small_form() -> Form:
    """Country (select_one), populations (select_multiple), city (text), staff (integer)."""
    return Form(
        title="Mapeo",
        languages=["es", "pt", "en"],
        questions=[
            Question(
                "org_name", "text", {"es": "Nombre", "pt": "Nome", "en": "Name"}, group=("about",)
            ),
            Question(
                "country",
                "select_one",
                {"es": "País", "pt": "País", "en": "Country"},
                list_name="countries",
                required=True,
                group=("about",),
            ),
            Question(
                "city", "text", {"es": "Ciudad", "pt": "Cidade", "en": "City"}, group=("about",)
            ),
            Question(
                "populations",
                "select_multiple",
                {"es": "Poblaciones", "pt": "Populações", "en": "Populations"},
                list_name="populations",
                group=("about",),
            ),
            Question("staff", "integer", {"es": "Equipo", "pt": "Equipe", "en": "Staff"}),
        ],
        choices={
            "countries": [
                Choice("co", {"es": "Colombia", "pt": "Colômbia", "en": "Colombia"}),
                Choice("mx", {"es": "México", "pt": "México", "en": "Mexico"}),
                Choice("br", {"es": "Brasil", "pt": "Brasil", "en": "Brazil"}),
            ],
            "populations": [
                Choice("women", {"es": "Mujeres", "pt": "Mulheres", "en": "Women"}),
                Choice("youth", {"es": "Juventudes", "pt": "Juventudes", "en": "Youth"}),
                Choice(
                    "indigenous",
                    {
                        "es": "Comunidades indígenas, originarias",
                        "pt": "Comunidades indígenas",
                        "en": "Indigenous communities",
                    },
                ),
            ],
        },
        group_labels={"about": {"es": "Sobre", "pt": "Sobre", "en": "About"}},
    )


@pytest.fixture
def form_path(tmp_path: Path) -> Path:
    path = tmp_path / "form.xlsx"
    path.write_bytes(write_form(small_form(), LANGS))
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


KOBO_HEADER = [
    "start",
    "about/org_name",
    "about/country",
    "about/city",
    "about/populations",
    "about/populations/women",
    "about/populations/youth",
    "about/populations/indigenous",
    "staff",
    "_id",
    "_uuid",
    "_submission_time",
]
KOBO_ROWS = [
    [
        "2024-01-01",
        "Fundación Uno",
        "co",
        "Bogotá",
        "women youth",
        "1",
        "1",
        "0",
        "12",
        "1",
        "u-1",
        "x",
    ],
    ["2024-01-01", "Dos", "co", " bogota", "women", "1", "0", "0", "4", "2", "u-2", "x"],
    ["2024-01-01", "Tres", "mx", "BOGOTÁ", "youth indigenous", "0", "1", "1", "", "3", "u-3", "x"],
    ["2024-01-01", "Cuatro", "br", "Recife", "", "0", "0", "0", "7", "4", "u-4", "x"],
]
