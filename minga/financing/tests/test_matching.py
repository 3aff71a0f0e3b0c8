"""The matching rules, directly: a call that fits on every criterion never ranks below one
that fits on fewer; a call past its deadline is never ranked; every criterion says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from minga.financing.matching import CRITERIA, Applicant, CallFacts, judge, rank

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
THEMES = ["a", "b", "c", "d"]
COUNTRIES = ["AR", "BR", "CO"]
KINDS = ["ngo", "foundation", "network"]

subsets = lambda values: st.frozensets(st.sampled_from(values))  # noqa: E731
amounts = st.none() | st.decimals(min_value=0, max_value=100_000, places=0)


@st.composite
def calls(draw: st.DrawFn, key: int) -> CallFacts:
    low, high = draw(amounts), draw(amounts)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return CallFacts(
        key=key,
        title=f"call {key}",
        deadline=NOW + timedelta(days=draw(st.integers(-30, 90))),
        themes=draw(subsets(THEMES)),
        countries=draw(subsets(COUNTRIES)),
        org_types=draw(subsets(KINDS)),
        amount_min=low,
        amount_max=high,
        currency=draw(st.sampled_from(["USD", "EUR"])),
        joint_allowed=draw(st.booleans()),
        members_fitting=draw(st.integers(0, 5)),
    )


applicants = st.builds(
    Applicant,
    themes=subsets(THEMES),
    countries=subsets(COUNTRIES),
    org_types=subsets(KINDS),
    needs=st.lists(
        st.tuples(
            st.decimals(min_value=1, max_value=100_000, places=0), st.sampled_from(["USD", "EUR"])
        ),
        max_size=2,
    ).map(tuple),
    is_network=st.booleans(),
)


@given(calls(1), calls(2), applicants)
def test_a_call_fitting_every_criterion_never_ranks_below_one_fitting_fewer(a, b, who):
    first, second = judge(a, who), judge(b, who)
    if first.fitted == set(CRITERIA) and second.fitted < set(CRITERIA):
        assert first.score > second.score
        ranked = [m.call.key for m in rank([b, a], who, NOW - timedelta(days=365))]
        assert ranked.index(1) < ranked.index(2)


@given(calls(1), calls(2), applicants)
def test_fitting_more_criteria_always_scores_more(a, b, who):
    first, second = judge(a, who), judge(b, who)
    if first.fitted > second.fitted:
        assert first.score > second.score


@given(
    st.lists(st.integers(0, 10_000), max_size=6, unique=True).flatmap(
        lambda keys: st.tuples(*[calls(k) for k in keys])
    ),
    applicants,
)
def test_calls_past_their_deadline_are_never_ranked(found, who):
    ranked = rank(found, who, NOW)
    assert {m.call.key for m in ranked} == {c.key for c in found if c.deadline >= NOW}
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


def test_every_criterion_gives_a_reason_naming_what_it_compared():
    call = CallFacts(
        key=1,
        title="Jóvenes",
        deadline=NOW + timedelta(days=10),
        themes=frozenset({"youth", "environment"}),
        countries=frozenset({"CO"}),
        org_types=frozenset({"foundation"}),
        amount_min=Decimal(1000),
        amount_max=Decimal(5000),
        currency="USD",
        joint_allowed=True,
        members_fitting=1,
    )
    who = Applicant(
        themes=frozenset({"youth"}),
        countries=frozenset({"BR"}),
        org_types=frozenset({"ngo"}),
        needs=((Decimal(20_000), "USD"),),
    )
    match = judge(call, who)
    codes = {r.criterion: (r.code, r.fits, r.params) for r in match.reasons}
    assert codes["themes"] == ("themes_shared", True, {"themes": ["youth"]})
    assert codes["countries"] == ("countries_none", False, {"countries": ["CO"]})
    assert codes["org_types"] == ("org_types_none", False, {"org_types": ["foundation"]})
    assert codes["amount"][0:2] == ("amount_outside", False)
    assert codes["joint"] == ("joint_too_few", False, {"count": 1})
    # The themes' weight, and half of the bonus (one of two themes shared).
    assert match.score == 3.25


def test_an_amount_in_another_currency_is_not_compared():
    call = CallFacts(1, "x", NOW, amount_max=Decimal(10), currency="EUR")
    reason = next(
        r
        for r in judge(call, Applicant(needs=((Decimal(5), "USD"),))).reasons
        if r.criterion == "amount"
    )
    assert (reason.code, reason.fits) == ("amount_other_currency", False)
