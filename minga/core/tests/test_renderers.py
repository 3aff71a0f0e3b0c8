"""Minga's one-template lists of choices write exactly Django's markup."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import Jinja2

from minga.core.forms import AuditFilterForm
from minga.core.renderers import WRITTEN_IN_PYTHON, FormRenderer

GROUPED = [
    ("", "—"),
    ("Andes", [("co", "Colombia"), ("pe", 'Perú & "Bolivia"')]),
    ("Cono Sur", [("ar", "Argentina"), ("cl", "<Chile>")]),
    ("br", "Brasil"),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=GROUPED, required=False)
    several = forms.MultipleChoiceField(choices=GROUPED, required=False)
    sized = forms.MultipleChoiceField(
        choices=GROUPED, widget=forms.SelectMultiple(attrs={"size": 4, "disabled": True})
    )
    radio = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(
        choices=GROUPED, widget=forms.CheckboxSelectMultiple(attrs={"class": "grid"})
    )
    maybe = forms.NullBooleanField(required=False)


BOUND: list[dict[str, Any]] = [
    {},
    {"plain": "pe", "several": ["co", "br"], "radio": "cl", "boxes": ["ar"], "maybe": "true"},
    {"plain": "nowhere", "radio": "", "boxes": ["co", "cl", "br"]},
]


def rendered(form: forms.Form, renderer: Any) -> list[str]:
    form.renderer = renderer
    return [str(field) for field in form] + [form.as_p()]


@pytest.mark.parametrize("data", BOUND)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_lists_of_choices_are_djangos_markup(data: dict[str, Any], auto_id: Any) -> None:
    def form() -> Everything:
        return Everything(data or None, auto_id=auto_id)

    assert rendered(form(), FormRenderer()) == rendered(form(), Jinja2())


def test_the_pages_forms_are_djangos_markup() -> None:
    for make in (
        lambda: AuditFilterForm({"action": "proposal_opened"}),
        lambda: AuditFilterForm(),
        lambda: Everything(initial={"radio": "co", "boxes": ["pe", "br"]}),
    ):
        assert rendered(make(), FormRenderer()) == rendered(make(), Jinja2())


def test_every_template_it_writes_is_djangos() -> None:
    # A template Django renamed would silently be Django's own again.
    for name in WRITTEN_IN_PYTHON:
        assert Jinja2().get_template(name) is not None
        assert FormRenderer().get_template(name).write is WRITTEN_IN_PYTHON[name]
