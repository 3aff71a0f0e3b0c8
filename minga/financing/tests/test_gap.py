"""The gap by year and currency: income is dues plus grants; currencies never mix."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from minga.financing.gap import yearly_gap

money = st.decimals(min_value=0, max_value=10**9, places=2)
yearly = st.dictionaries(
    st.integers(2020, 2030), st.dictionaries(st.sampled_from(["USD", "EUR", "BRL"]), money)
)


@given(yearly, yearly, yearly)
def test_each_row_is_one_year_and_currency_with_its_own_sums(needs, dues, grants):
    rows = yearly_gap(needs, dues, grants)
    keys = [(r.year, r.currency) for r in rows]
    assert keys == sorted(set(keys))
    for row in rows:
        assert row.need == needs.get(row.year, {}).get(row.currency, Decimal(0))
        assert row.income == dues.get(row.year, {}).get(row.currency, Decimal(0)) + grants.get(
            row.year, {}
        ).get(row.currency, Decimal(0))
        assert row.gap == max(row.need - row.income, Decimal(0))
        assert row.covered is None or 0 <= row.covered <= 1


def test_a_surplus_is_no_gap_and_covers_the_whole_need():
    (row,) = yearly_gap(
        {2027: {"USD": Decimal(100)}}, {2027: {"USD": Decimal(80)}}, {2027: {"USD": Decimal(50)}}
    )
    assert (row.income, row.gap, row.covered) == (Decimal(130), Decimal(0), 1.0)
