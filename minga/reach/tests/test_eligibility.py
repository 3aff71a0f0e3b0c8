"""The audience's criteria, applied (pure rules)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minga.reach.eligibility import Applicant, Criteria, Unmet, check

CRITERIA = Criteria(
    member_kinds=frozenset({"organization", "individual"}),
    countries=frozenset({"AR", "BR", "CL", "CO", "MX"}),
    themes=frozenset({"citizen-participation", "environment"}),
    statements=("We work without party affiliation.", "We reject violence."),
)


def test_an_applicant_meeting_everything_has_no_reasons():
    applicant = Applicant("organization", "co", frozenset({"environment"}), frozenset({0, 1}))
    assert check(CRITERIA, applicant) == []


def test_each_unmet_criterion_is_reported():
    applicant = Applicant("company", "US", frozenset({"sports"}), frozenset({1}))
    assert check(CRITERIA, applicant) == [
        Unmet("kind", "company"),
        Unmet("country", "US"),
        Unmet("themes", "sports"),
        Unmet("statement", "We work without party affiliation."),
    ]


def test_empty_lists_mean_any():
    open_criteria = Criteria(member_kinds=frozenset({"company"}))
    assert check(open_criteria, Applicant("company", "DE", frozenset())) == []


@given(
    st.sampled_from(["organization", "individual", "company"]),
    st.sampled_from(["AR", "US", "CO", "FR"]),
    st.frozensets(st.sampled_from(["environment", "sports", "citizen-participation"])),
    st.frozensets(st.sampled_from([0, 1])),
)
def test_eligible_exactly_when_every_criterion_holds(kind, country, themes, accepted):
    unmet = check(CRITERIA, Applicant(kind, country, themes, accepted))
    holds = (
        kind in CRITERIA.member_kinds
        and country in CRITERIA.countries
        and bool(themes & CRITERIA.themes)
        and accepted == {0, 1}
    )
    assert (unmet == []) == holds
