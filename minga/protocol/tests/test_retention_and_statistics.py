"""Closed cases are purged after the network's retention, keeping only anonymous counts;
the statistics never show a count under 3."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from minga.core.models import AuditEntry
from minga.protocol import actions, queries
from minga.protocol.access import ATTEMPTS_OVERALL
from minga.protocol.models import Attempt, Case, CaseKey, Entry, PurgedCount
from minga.protocol.queries import SMALLEST_COUNT, _suppressed
from minga.protocol.tests.conftest import anonymous_post


def _report(world, kind="harassment"):
    case, _receipt = actions.report(
        network=world.network, reporter=world.member, kind=kind, account="Relato."
    )
    return case


def test_closed_cases_past_retention_are_purged_leaving_counts(world, protocol):
    old, recent, open_case = _report(world), _report(world), _report(world, "other")
    now = timezone.now()
    Case.objects.filter(pk=old.pk).update(state="closed", closed_at=now - timedelta(days=91))
    Case.objects.filter(pk=recent.pk).update(state="closed", closed_at=now - timedelta(days=10))
    out = StringIO()
    call_command("protocol", "purge", "--network", "red", stdout=out)
    assert "Purged 1 closed cases" in out.getvalue()
    assert set(Case.objects.values_list("pk", flat=True)) == {recent.pk, open_case.pk}
    assert not Entry.objects.filter(case_id=old.pk).exists()
    assert not CaseKey.objects.filter(case_id=old.pk).exists()
    assert not AuditEntry.objects.filter(target_type="protocol.case", target_id=str(old.pk))
    assert AuditEntry.objects.filter(target_type="protocol.case", target_id=str(recent.pk))
    (count,) = PurgedCount.objects.all()
    assert (count.kind, count.count, count.month.day) == ("harassment", 1, 1)
    # The purged case still counts in the statistics.
    stats = queries.network_statistics(world.network)
    assert stats.total == 3


def test_statistics_hide_counts_under_three(world, protocol, client_as):
    for _ in range(3):
        _report(world, "harassment")
    _report(world, "physical")
    stats = queries.network_statistics(world.network)
    counts = {kind: count for kind, _label, count in stats.by_kind}
    # The single physical case is hidden, and so is the harassment count: with the total
    # (4) shown, it would give the hidden one away by subtraction.
    assert counts == {"harassment": None, "physical": None} and stats.total == 4
    assert [count for _key, _label, count in stats.by_quarter] == [None]
    page = client_as(world.member).get("/n/red/protocol/statistics/").content.decode()
    assert "fewer than 3" in page and "Relato" not in page


def test_receipt_look_ups_are_limited_overall(world, protocol, settings):
    window_rows = Attempt.objects.all()
    anonymous_post("/protocol/receipts/case", {"receipt": "2" * 20})
    window_rows.filter(scope="receipt:all").update(count=ATTEMPTS_OVERALL)
    answer = anonymous_post("/protocol/receipts/case", {"receipt": "2" * 20})
    assert answer.status_code == 429
    # The attempts table holds no address, only a keyed hash of it.
    assert all("127.0.0.1" not in row.scope for row in Attempt.objects.all())


@given(
    st.dictionaries(st.sampled_from("abcdefg"), st.integers(min_value=1, max_value=9), min_size=1)
)
def test_no_hidden_count_can_be_recovered_from_the_others(counts):
    for also in (False, True):
        hidden = _suppressed(counts, also)
        assert {key for key, count in counts.items() if count < SMALLEST_COUNT} <= hidden
        # Never exactly one hidden cell beside shown ones: the total would give it away.
        assert len(hidden) != 1 or len(counts) == 1
        if also:
            assert len(hidden) >= min(2, len(counts))
