"""Closed cases are purged after the network's retention, keeping only anonymous counts;
the statistics never show a count under 3."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from minga.protocol import actions, queries
from minga.protocol.access import ATTEMPTS_OVERALL
from minga.protocol.models import Attempt, Case, CaseKey, Entry, PurgedCount
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
    assert counts == {"harassment": 3, "physical": None}
    page = client_as(world.member).get("/n/red/protocol/statistics/").content.decode()
    assert "fewer than 3" in page and "Relato" not in page


def test_receipt_look_ups_are_limited_overall(world, protocol, settings):
    window_rows = Attempt.objects.all()
    anonymous_post("/protocol/receipts/case", {"receipt": "2" * 20})
    window_rows.filter(scope="all").update(count=ATTEMPTS_OVERALL)
    answer = anonymous_post("/protocol/receipts/case", {"receipt": "2" * 20})
    assert answer.status_code == 429
    # The attempts table holds no address, only a keyed hash of it.
    assert all("127.0.0.1" not in row.scope for row in Attempt.objects.all())
