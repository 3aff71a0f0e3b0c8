"""Numbers in the reader's language: the one function that shows them (pages, charts,
exports meant for reading) and the form fields that accept them as people type them.

es and pt-BR write "1.234,50"; en writes "1,234.50". The API keeps plain JSON numbers
and decimal strings; only what a person reads or types goes through here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _


def number(value: Any, places: int | None = None) -> str:
    """`value` in the active language, digits grouped: 1234.5 → "1.234,50" in es (with
    places=2). None and "" show as an empty string."""
    if value is None or value == "":
        return ""
    if places is not None:
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def percent(share: Any, places: int = 1) -> str:
    """A share (0.175) as a percentage in the active language: "17,5%"."""
    if share is None:
        return ""
    return f"{number(Decimal(str(share)) * 100, places)}%"


def _example(places: int) -> str:
    return _("For example %(example)s") % {"example": number(Decimal("1234.5"), places)}


# A form's help text is built at import; this one is written when the page is rendered.
example_hint = lazy(_example, str)


def parse_number(text: str) -> str:
    """A number typed in the active language, as a plain decimal string for Python:
    "1.234,50" → "1234.50" in es. Groups must have three digits ("1.23,4" is refused),
    so a number typed in another language's format is not silently misread."""
    text = text.strip().replace("\u00a0", " ")
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousand = formats.get_format("THOUSAND_SEPARATOR")
    grouped = rf"[+-]?\d{{1,3}}({re.escape(thousand)}\d{{3}})+({re.escape(decimal)}\d+)?"
    if thousand and re.fullmatch(grouped, text):
        text = text.replace(thousand, "")
    if decimal != "." and "." in text:
        return text + "?"  # a point where a comma belongs: not a number here
    return text.replace(decimal, ".")


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the way the reader writes it ("50,00" in es), shown the same way;
    its hint gives an example in that format."""

    def __init__(self, *args: Any, places: int = 2, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("help_text", example_hint(places))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip():
            value = parse_number(value)
        return super().to_python(value)


class PercentField(LocalizedDecimalField):
    """A share typed as a percentage ("50" or "37,5"), cleaned to a fraction (0.5)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        kwargs.setdefault("places", 1)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        # The stored fraction, shown as the percentage a person typed.
        if isinstance(value, float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value)) * 100
        return value

    def clean(self, value: Any) -> Decimal | None:
        percentage = super().clean(value)
        return None if percentage is None else percentage / 100


def percentage_field(label: Any, *, required: bool = False) -> LocalizedDecimalField:
    """A percentage kept as typed (0 to 100: "37,5" in es), as the API speaks it (unlike
    `PercentField`, which cleans to a fraction)."""
    return LocalizedDecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )


def axis_formatter(places: int = 0) -> Any:
    """A matplotlib tick formatter that writes ticks with `number`, so a chart's labels
    match the table beside it."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: number(value, places))


def cell_message(error: Any) -> str:
    """An import's bad cell (`intake.CellError`), as `row N, column C: value V: why` in the
    reader's language."""
    why = _(error.why) % dict(error.params)
    return _("row %(row)d, column %(column)s: value %(value)s: %(why)s") % {
        "row": error.row,
        "column": error.column,
        "value": repr(error.value) if error.value else "''",
        "why": why,
    }
