"""The decision rules, on their edges and on many generated tallies."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from minga.governance.decision_rules import (
    DecidedBy,
    Position,
    Result,
    Rule,
    Tally,
    decide,
    quorum_met,
    quorum_needed,
)

counts = st.integers(min_value=0, max_value=400)
tallies = st.builds(Tally, agree=counts, disagree=counts, abstain=counts, object=counts)


def test_thirty_agree_ten_disagree_is_a_supermajority():
    outcome = decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, Tally(agree=30, disagree=10), eligible=40)
    assert (outcome.result, outcome.decided_by) == (Result.ADOPTED, DecidedBy.SUPERMAJORITY)


def test_twenty_nine_agree_eleven_disagree_is_rejected():
    outcome = decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, Tally(agree=29, disagree=11), eligible=40)
    assert (outcome.result, outcome.decided_by) == (Result.REJECTED, DecidedBy.SUPERMAJORITY)


def test_abstentions_do_not_count_against_a_supermajority():
    outcome = decide(
        Rule.CONSENSUS_THEN_SUPERMAJORITY, Tally(agree=3, disagree=1, abstain=50), eligible=54
    )
    assert outcome.result is Result.ADOPTED


def test_consensus_when_nobody_disagrees_or_objects():
    outcome = decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, Tally(agree=5, abstain=2), eligible=9)
    assert (outcome.result, outcome.decided_by) == (Result.ADOPTED, DecidedBy.CONSENSUS)


def test_nobody_agreeing_is_never_adopted_by_supermajority():
    outcome = decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, Tally(abstain=4), eligible=4)
    assert outcome.result is Result.REJECTED


def test_one_standing_objection_blocks_consent():
    outcome = decide(Rule.CONSENT, Tally(agree=40, object=1), eligible=41)
    assert (outcome.result, outcome.decided_by) == (Result.REJECTED, DecidedBy.CONSENT)
    withdrawn = decide(Rule.CONSENT, Tally(agree=41), eligible=41)
    assert (withdrawn.result, withdrawn.decided_by) == (Result.ADOPTED, DecidedBy.CONSENT)


def test_majority_and_its_tie_break():
    assert decide(Rule.MAJORITY, Tally(agree=3, disagree=2), eligible=5).result is Result.ADOPTED
    assert (
        decide(Rule.MAJORITY, Tally(agree=2, disagree=1, object=1), eligible=4).result
        is Result.TIED
    )
    adopted = decide(
        Rule.MAJORITY, Tally(agree=2, disagree=2), eligible=4, tie_break=Position.AGREE
    )
    assert (adopted.result, adopted.decided_by) == (Result.ADOPTED, DecidedBy.TIE_BREAK)
    rejected = decide(
        Rule.MAJORITY, Tally(agree=2, disagree=2), eligible=4, tie_break=Position.DISAGREE
    )
    assert (rejected.result, rejected.decided_by) == (Result.REJECTED, DecidedBy.TIE_BREAK)
    abstained = decide(
        Rule.MAJORITY, Tally(agree=2, disagree=2), eligible=4, tie_break=Position.ABSTAIN
    )
    assert (abstained.result, abstained.decided_by) == (Result.TIED, None)


def test_quorum_counts_abstentions_as_taking_part():
    assert decide(Rule.CONSENT, Tally(agree=4), eligible=10, quorum=0.5).result is Result.NO_QUORUM
    assert decide(Rule.CONSENT, Tally(agree=4, abstain=1), eligible=10, quorum=0.5).result is (
        Result.ADOPTED
    )


def test_quorum_uses_exact_shares():
    # 0.3 * 10 is 3.0000000000000004 in floating point; three voters still meet it.
    assert quorum_met(Tally(agree=3), 10, 0.3)


@pytest.mark.parametrize("quorum", [-0.1, 1.5])
def test_a_quorum_outside_zero_to_one_is_refused(quorum):
    with pytest.raises(ValueError, match="quorum"):
        quorum_met(Tally(), 10, quorum)


@given(tallies)
def test_consent_adopts_exactly_when_nobody_objects(tally):
    outcome = decide(Rule.CONSENT, tally, eligible=tally.taken)
    assert (outcome.result is Result.ADOPTED) == (tally.object == 0)
    assert outcome.decided_by is DecidedBy.CONSENT


@given(tallies)
def test_supermajority_matches_the_three_quarters_formula(tally):
    outcome = decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, tally, eligible=tally.taken)
    consensus = tally.disagree == 0 and tally.object == 0 and tally.agree >= 1
    sided = tally.agree + tally.disagree + tally.object
    if consensus:
        assert (outcome.result, outcome.decided_by) == (Result.ADOPTED, DecidedBy.CONSENSUS)
    else:
        assert outcome.decided_by is DecidedBy.SUPERMAJORITY
        expected = tally.agree > 0 and 4 * tally.agree >= 3 * sided
        assert (outcome.result is Result.ADOPTED) == expected
    # More agreement never turns an adoption into a rejection.
    more = Tally(tally.agree + 1, tally.disagree, tally.abstain, tally.object)
    if outcome.result is Result.ADOPTED:
        assert decide(Rule.CONSENSUS_THEN_SUPERMAJORITY, more, eligible=more.taken).result is (
            Result.ADOPTED
        )


@given(tallies, st.sampled_from([None, *Position]))
def test_majority_outcome_is_consistent(tally, tie_break):
    outcome = decide(Rule.MAJORITY, tally, eligible=tally.taken, tie_break=tie_break)
    against = tally.disagree + tally.object
    if tally.agree > against:
        assert outcome.result is Result.ADOPTED
    elif tally.agree < against:
        assert outcome.result is Result.REJECTED
    else:
        assert outcome.decided_by in (DecidedBy.TIE_BREAK, None)
        if tie_break is Position.AGREE:
            assert outcome.result is Result.ADOPTED
        elif tie_break in (Position.DISAGREE, Position.OBJECT):
            assert outcome.result is Result.REJECTED
        else:
            assert outcome.result is Result.TIED


@given(tallies, st.sampled_from(list(Rule)), st.floats(min_value=0, max_value=1))
# Nobody took part, and a quorum so small that a float tolerance rounds it to zero: still
# more than nobody, so no quorum.
@example(Tally(), Rule.CONSENT, 1e-107)
def test_without_quorum_nothing_is_decided(tally, rule, quorum):
    eligible = tally.taken + 7
    outcome = decide(rule, tally, eligible=eligible, quorum=quorum)
    # Exact, as the rule decides: the quorum is the share as written (its shortest decimal).
    if tally.taken < Fraction(str(quorum)) * eligible:
        assert outcome.result is Result.NO_QUORUM
    else:
        assert outcome.result is not Result.NO_QUORUM


@given(st.integers(min_value=0, max_value=500), st.floats(min_value=0, max_value=1))
@example(40, 0.5)
@example(10, 0.3)
def test_the_quorum_needed_is_the_fewest_positions_that_meet_it(eligible, quorum):
    needed = quorum_needed(eligible, quorum)
    assert needed is not None
    assert quorum_met(Tally(abstain=needed), eligible, quorum)
    if needed > 0:
        assert not quorum_met(Tally(abstain=needed - 1), eligible, quorum)


def test_no_quorum_needs_nobody_in_particular():
    assert quorum_needed(40, None) is None
    assert quorum_needed(40, 0.5) == 20
    assert quorum_needed(40, 0.375) == 15
    assert quorum_needed(41, 0.5) == 21
