"""The gap between what the network needs and what comes in, by year and currency. No
Django import: tested directly.

Income is the dues received (membership's ledger) plus the grants awarded in that year.
Amounts in different currencies are never added together: each currency is its own row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# {year: {currency: amount}}
Yearly = dict[int, dict[str, Decimal]]


@dataclass(frozen=True)
class GapRow:
    year: int
    currency: str
    need: Decimal
    dues: Decimal
    grants: Decimal

    @property
    def income(self) -> Decimal:
        return self.dues + self.grants

    @property
    def gap(self) -> Decimal:
        """What is still missing (never below zero: a surplus is not a gap)."""
        return max(self.need - self.income, Decimal(0))

    @property
    def covered(self) -> float | None:
        """The share of the need the income covers (capped at 1); None without a need."""
        if self.need <= 0:
            return None
        return float(min(self.income / self.need, Decimal(1)))


def yearly_gap(needs: Yearly, dues: Yearly, grants: Yearly) -> list[GapRow]:
    """One row per year and currency that has a need or an income, in order."""
    keys = {
        (year, currency)
        for figures in (needs, dues, grants)
        for year, by_currency in figures.items()
        for currency in by_currency
    }
    zero = Decimal(0)
    return [
        GapRow(
            year=year,
            currency=currency,
            need=needs.get(year, {}).get(currency, zero),
            dues=dues.get(year, {}).get(currency, zero),
            grants=grants.get(year, {}).get(currency, zero),
        )
        for year, currency in sorted(keys)
    ]
