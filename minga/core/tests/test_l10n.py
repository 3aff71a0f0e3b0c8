"""Numbers as people read and type them: "1.234,50" in es and pt-BR, "1,234.50" in en."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from minga.core.l10n import LocalizedDecimalField, PercentField, number, percent

WRITTEN = {"es": "1.234,50", "pt-br": "1.234,50", "en": "1,234.50"}


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_a_number_is_shown_grouped_in_the_readers_format(language: str) -> None:
    with translation.override(language):
        assert number(Decimal("1234.5"), 2) == WRITTEN[language]
        assert number(4450) == ("4.450" if language != "en" else "4,450")
        assert percent(0.175) == ("17,5%" if language != "en" else "17.5%")
        assert number(None) == ""


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("es", "50,00", Decimal("50.00")),
        ("es", "1.234,50", Decimal("1234.50")),
        ("pt-br", "1.234,50", Decimal("1234.50")),
        ("pt-br", " 0,5 ", Decimal("0.5")),
        ("en", "1,234.50", Decimal("1234.50")),
        ("en", "50.00", Decimal("50.00")),
    ],
)
def test_an_amount_is_typed_in_the_readers_format(
    language: str, typed: str, stored: Decimal
) -> None:
    with translation.override(language):
        assert LocalizedDecimalField(places=2).clean(typed) == stored


@pytest.mark.parametrize(
    ("language", "typed"),
    [("es", "50.00"), ("es", "1,234.50"), ("pt-br", "1.23,4"), ("en", "50,00"), ("en", "1.234,50")],
)
def test_another_languages_format_is_refused_not_misread(language: str, typed: str) -> None:
    with translation.override(language), pytest.raises(forms.ValidationError):
        LocalizedDecimalField(places=2).clean(typed)


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_hint_shows_the_readers_format(language: str) -> None:
    with translation.override(language):
        assert WRITTEN[language] in str(LocalizedDecimalField(places=2).help_text)


def test_a_quorum_is_typed_as_a_percentage_and_stored_as_a_share() -> None:
    with translation.override("es"):
        field = PercentField()
        assert field.clean("50") == Decimal("0.5")
        assert field.clean("37,5") == Decimal("0.375")
        assert field.prepare_value(0.5) == Decimal("50.0")
        with pytest.raises(forms.ValidationError):
            field.clean("150")


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    language=st.sampled_from(["es", "pt-br", "en"]),
)
def test_what_is_shown_reads_back_as_the_same_number(value: Decimal, language: str) -> None:
    with translation.override(language):
        assert LocalizedDecimalField(places=2).clean(number(value, 2)) == value


def test_every_enumeration_shows_its_label_in_the_readers_language() -> None:
    """Every get_FOO_display of Minga's models (core.models' lookup, which translates only
    the label it returns) gives what Django's own gives: the stored value's label, in the
    reader's language, and a value outside the choices as stored."""
    from django.apps import apps
    from django.db.models import Model

    fields = [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("minga.")
        for field in model._meta.local_fields
        if field.choices
    ]
    assert len(fields) > 30
    for model, field in fields:
        display = getattr(model, f"get_{field.name}_display")
        values = [value for value, _label in field.flatchoices] + ["not-a-choice"]
        for value in values:
            instance = model(**{field.attname: value})
            for language in ("es", "pt-br", "en"):
                with translation.override(language):
                    django_s = Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]
                    assert display(instance) == django_s, (model, field.name, value, language)
