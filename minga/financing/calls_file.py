"""Reading a file of funding calls (CSV or XLSX, one row per call) into checked rows. No
Django import: the caller passes what Minga knows (theme slugs, country codes, kinds of
organization, the network's time zone) and translates the messages.

Columns (the stable contract): title, funder, source_type, themes, countries, org_types,
amount_min, amount_max, currency, deadline, url, criteria, joint_allowed; optionally
cofinancing (a percentage). Lists are separated by `;`; countries are ISO 3166 codes
(alpha-2, or alpha-3 read as alpha-2). A deadline given as a date alone ends at the end
of that day in the network's time zone; a date and time without an offset is read in
that zone too.
Every bad cell is reported (`row N, column C: value V: why`), not only the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from minga.core.intake import CellError
from minga.core.intake import gettext_noop as _
from minga.financing.matching import SOURCE_TYPES

COLUMNS = (
    "title",
    "funder",
    "source_type",
    "themes",
    "countries",
    "org_types",
    "amount_min",
    "amount_max",
    "currency",
    "deadline",
    "url",
    "criteria",
    "joint_allowed",
)
# Read when present, beyond the contract's columns.
OPTIONAL = ("cofinancing",)
REQUIRED = ("title", "funder", "source_type", "deadline")
LIMITS = {"title": 300, "funder": 200, "url": 500, "criteria": 20_000}
MAX_AMOUNT = Decimal("999999999999.99")  # what the database's amount column holds
_CURRENCY = re.compile(r"[A-Z]{3}")
_PLAIN_NUMBER = re.compile(r"\d+(\.\d{1,2})?")
# A spreadsheet saved in Spanish or Portuguese writes cents after a comma: "25000,50".
# Unambiguous without grouping (three digits after a comma would be a thousands group).
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


@dataclass(frozen=True)
class CallRow:
    row: int
    title: str
    funder: str
    source_type: str
    themes: tuple[str, ...]
    countries: tuple[str, ...]
    org_types: tuple[str, ...]
    amount_min: Decimal | None
    amount_max: Decimal | None
    currency: str
    deadline: datetime
    url: str
    criteria: str
    joint_allowed: bool
    cofinancing: Decimal | None = None
    # Whether the file has the optional column (a blank cell then clears it).
    has_cofinancing: bool = False

    @property
    def identity(self) -> tuple[str, str, datetime]:
        """Same funder, title and deadline: the same call."""
        return (self.funder.casefold(), self.title.casefold(), self.deadline)


class CallsFileError(ValueError):
    def __init__(self, errors: list[CellError], header_missing: tuple[str, ...] = ()) -> None:
        self.errors = errors
        self.header_missing = header_missing
        super().__init__(f"{len(errors)} bad cells, missing columns {header_missing}")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def deadline_of(text: str, zone: tzinfo) -> datetime | None:
    """ISO 8601; a date alone is the last instant of that day in `zone`. None if unreadable."""
    text = text.strip()
    try:
        # A date alone, whichever ISO form ("2027-03-31" or "20270331").
        return datetime.combine(date.fromisoformat(text), time.max, tzinfo=zone)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _amount(text: str) -> Decimal | str | None:
    """A plain decimal (digits, a point or a comma, at most two decimals), else a reason."""
    if not text:
        return None
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        return _(
            "write the amount with digits only, without thousands separators (for example "
            "25000.50 or 25000,50)"
        )
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _("not a number")
    if value > MAX_AMOUNT:
        return _("too large")
    return value


def read_calls(
    rows: Iterable[tuple[int, list[str]]],
    *,
    themes: set[str],
    countries: dict[str, str],
    org_types: set[str],
    zone: tzinfo,
) -> list[CallRow]:
    """The file's calls, checked; CallsFileError with every bad cell otherwise."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise CallsFileError([], header_missing=REQUIRED)
    header = [cell.strip().lower() for cell in first[1]]
    missing = tuple(column for column in REQUIRED if column not in header)
    if missing:
        raise CallsFileError([], header_missing=missing)
    where = {column: header.index(column) for column in (*COLUMNS, *OPTIONAL) if column in header}
    errors: list[CellError] = []
    found: list[CallRow] = []
    seen: dict[tuple[str, str, datetime], int] = {}
    for number, cells in iterator:

        def cell(column: str, cells: list[str] = cells) -> str:
            index = where.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def bad(column: str, why: str, number: int = number, **params: object) -> None:
            errors.append(CellError(number, column, cell(column), why, tuple(params.items())))

        before = len(errors)
        for column in REQUIRED:
            if not cell(column):
                bad(column, _("required"))
        for column, limit in LIMITS.items():
            if len(cell(column)) > limit:
                bad(column, _("longer than %(limit)d characters"), limit=limit)
        source_type = cell("source_type")
        if source_type and source_type not in SOURCE_TYPES:
            bad("source_type", _("not one of %(allowed)s"), allowed=", ".join(SOURCE_TYPES))
        call_themes = _split(cell("themes"))
        unknown = [t for t in call_themes if t not in themes]
        if unknown:
            bad("themes", _("unknown theme %(unknown)s"), unknown=", ".join(unknown))
        named = [c.upper() for c in _split(cell("countries"))]
        unknown = [c for c in named if c not in countries]
        call_countries = [countries[c] for c in named if c in countries]
        if unknown:
            bad(
                "countries",
                _("%(unknown)s is not an ISO 3166 country code (for example CO, BR, MX)"),
                unknown=", ".join(unknown),
            )
        call_types = [t.lower() for t in _split(cell("org_types"))]
        unknown = [t for t in call_types if t not in org_types]
        if unknown:
            bad(
                "org_types",
                _("unknown kind of organization %(unknown)s (one of %(allowed)s)"),
                unknown=", ".join(unknown),
                allowed=", ".join(sorted(org_types)),
            )
        amounts: dict[str, Decimal | None] = {}
        for column in ("amount_min", "amount_max"):
            value = _amount(cell(column))
            if isinstance(value, str):
                bad(column, value)
            else:
                amounts[column] = value
        cofinancing = _amount(cell("cofinancing"))
        if isinstance(cofinancing, str):
            bad("cofinancing", cofinancing)
        elif cofinancing is not None and cofinancing > 100:
            bad("cofinancing", _("a percentage is at most 100"))
        low, high = amounts.get("amount_min"), amounts.get("amount_max")
        if low is not None and high is not None and low > high:
            bad("amount_max", _("smaller than amount_min"))
        currency = cell("currency").upper()
        if currency and not _CURRENCY.fullmatch(currency):
            bad("currency", _("not a three-letter ISO 4217 code (for example USD, EUR, BRL)"))
        if not currency and (low is not None or high is not None):
            bad("currency", _("required when an amount is given"))
        deadline = deadline_of(cell("deadline"), zone) if cell("deadline") else None
        if cell("deadline") and deadline is None:
            bad(
                "deadline",
                _(
                    "not an ISO 8601 date or date and time (for example 2027-03-31 or "
                    "2027-03-31T17:00-05:00)"
                ),
            )
        url = cell("url")
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
            bad("url", _("not a web address starting with http:// or https://"))
        joint = cell("joint_allowed").lower()
        if joint not in ("", "true", "false"):
            bad("joint_allowed", _("write true or false"))
        if len(errors) > before or deadline is None:
            continue
        call = CallRow(
            row=number,
            title=cell("title"),
            funder=cell("funder"),
            source_type=source_type,
            themes=tuple(dict.fromkeys(call_themes)),
            countries=tuple(dict.fromkeys(call_countries)),
            org_types=tuple(dict.fromkeys(call_types)),
            amount_min=low,
            amount_max=high,
            currency=currency or "USD",
            deadline=deadline,
            url=url,
            criteria=cell("criteria"),
            joint_allowed=joint == "true",
            cofinancing=cofinancing if not isinstance(cofinancing, str) else None,
            has_cofinancing="cofinancing" in where,
        )
        if call.identity in seen:
            bad(
                "title",
                _("the same call (funder, title and deadline) as row %(first)d"),
                first=seen[call.identity],
            )
            continue
        seen[call.identity] = number
        found.append(call)
    if errors:
        raise CallsFileError(errors)
    return found
