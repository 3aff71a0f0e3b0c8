"""The dues ledger's arithmetic (pure; no Django here).

The ledger is append-only. Amounts are Decimals: an invoice adds what is owed, a
payment subtracts, a correction adds or subtracts. A balance is the sum of entries.
An invoice's due amount is its own amount plus the corrections made against it; what
was paid against it is the sum of its payments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class EntryKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    CORRECTION = "correction"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTIAL = "partial"
    PAID = "paid"


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    amount: Decimal  # signed: positive is owed, negative is paid or credited
    invoice: int | None = None


def balance(entries: Iterable[Entry]) -> Decimal:
    return sum((entry.amount for entry in entries), Decimal("0"))


@dataclass(frozen=True)
class InvoiceState:
    due: Decimal
    paid: Decimal
    status: InvoiceStatus

    @property
    def remaining(self) -> Decimal:
        return max(self.due - self.paid, Decimal("0"))


def invoice_state(invoice: int, entries: Iterable[Entry]) -> InvoiceState:
    due = Decimal("0")
    paid = Decimal("0")
    for entry in entries:
        if entry.invoice != invoice:
            continue
        if entry.kind is EntryKind.PAYMENT:
            paid -= entry.amount
        else:
            due += entry.amount
    return InvoiceState(due, paid, status_of(due, paid))


def status_of(due: Decimal, paid: Decimal) -> InvoiceStatus:
    if paid >= due:
        return InvoiceStatus.PAID
    if paid > 0:
        return InvoiceStatus.PARTIAL
    return InvoiceStatus.OPEN


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (0 when later is not after earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Period:
    """A dues period: a year ("2027") for annual plans, a month ("2027-03") for monthly."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        parts = text.strip().split("-")
        try:
            if len(parts) == 1 and len(parts[0]) == 4:
                return cls(int(parts[0]))
            if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
                month = int(parts[1])
                if 1 <= month <= 12:
                    return cls(int(parts[0]), month)
        except ValueError:
            pass
        raise ValueError(f"{text!r} is not a period: use YYYY (annual) or YYYY-MM (monthly)")

    @property
    def is_monthly(self) -> bool:
        return self.month is not None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"
