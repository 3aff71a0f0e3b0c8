"""The methodology's mapping questionnaire, shipped as an XLSForm in Spanish, Portuguese and
English, so a network can run the same survey in KoboToolbox or Google Forms."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from minga.mapping.xlsform import Form, read_form

TEMPLATE_PATH = Path(__file__).parent / "forms" / "mapping-questionnaire.xlsx"
TEMPLATE_FILENAME = "mapping-questionnaire.xlsx"


def template_bytes() -> bytes:
    return TEMPLATE_PATH.read_bytes()


@cache
def _template_json() -> dict[str, object]:
    return read_form(template_bytes()).to_json()


def template_form() -> Form:
    return Form.from_json(_template_json())
