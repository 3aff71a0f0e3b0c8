"""The audit log pages by keyset (newer/older), on an index of (network, at, id): a page's
queries and size do not grow with the log, filters are kept across pages, and the database
walks the index instead of sorting the whole log."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minga.core import queries
from minga.core.models import AuditEntry


def _fill(world, count: int, *, action: str = "organization.update", start=None) -> None:
    """`count` more entries, one a minute, newest last (after every existing one)."""
    last = AuditEntry.objects.order_by("-at").values_list("at", flat=True).first()
    start = start or (last or timezone.now()) + timedelta(minutes=1)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            network=world.network,
            actor=world.member,
            action=action,
            target_type="core.organization",
            target_id=str(i),
            target_repr=f"Entrada {i:05d}",
            at=start + timedelta(minutes=i),
        )
        for i in range(count)
    )


def _link(page: str, label: str) -> str | None:
    match = re.search(rf'<a class="button secondary" href="([^"]*)">{label}</a>', page)
    return unescape(match.group(1)) if match else None


def _shown(page: str) -> list[str]:
    return re.findall(r"Entrada \d{5}", page)


def test_older_and_newer_walk_the_whole_log_once_each_way(world, client_as):
    _fill(world, 250)
    client = client_as(world.coordinator)
    first = client.get("/n/red/audit/").content.decode()
    assert _shown(first)[:2] == ["Entrada 00249", "Entrada 00248"]
    assert _link(first, "Newer") is None
    pages = [_shown(first)]
    page, url = first, _link(first, "Older")
    while url is not None:
        page = client.get(f"/n/red/audit/{url}").content.decode()
        pages.append(_shown(page))
        url = _link(page, "Older")
    entries = [f"Entrada {i:05d}" for i in range(249, -1, -1)]
    assert [e for shown in pages for e in shown] == entries  # each once, newest first
    # Back from the oldest page: the page before it, exactly.
    newer = _link(page, "Newer")
    assert newer is not None
    back = client.get(f"/n/red/audit/{newer}").content.decode()
    assert _shown(back) == pages[-2] and len(pages) > 2
    assert _link(back, "Newest") is not None


def test_entries_at_the_same_instant_are_neither_skipped_nor_repeated(world, client_as):
    at = timezone.now() + timedelta(days=1)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            network=world.network,
            action="organization.update",
            target_type="core.organization",
            target_id=str(i),
            target_repr=f"Entrada {i:05d}",
            at=at,
        )
        for i in range(150)
    )
    entries = queries.audit_entries(world.network)
    first = queries.audit_page(entries, size=60)
    second = queries.audit_page(entries, before=first.older or "", size=60)
    assert {e.pk for e in first.entries}.isdisjoint(e.pk for e in second.entries)
    back = queries.audit_page(entries, after=second.newer or "", size=60)
    assert [e.pk for e in back.entries] == [e.pk for e in first.entries]


def test_filters_are_kept_on_the_next_page(world, client_as):
    _fill(world, 120, action="person.add")
    _fill(world, 30)
    client = client_as(world.coordinator)
    page = client.get("/n/red/audit/?action=person.add").content.decode()
    older = _link(page, "Older")
    assert older is not None and "action=person.add" in older
    rest = client.get(f"/n/red/audit/{older}").content.decode()
    next_entry = f"Entrada {119 - queries.AUDIT_PAGE_SIZE:05d}"  # the first of page 2
    assert next_entry in rest and "updated" not in rest.split("<table")[1]


def test_an_unreadable_cursor_shows_the_newest_page(world, client_as):
    _fill(world, 5)
    page = client_as(world.coordinator).get("/n/red/audit/?before=yesterday").content.decode()
    assert _shown(page)[0] == "Entrada 00004"


def test_dates_bound_the_log_in_the_networks_time_zone(world, client_as):
    day = timezone.localdate() + timedelta(days=3)
    midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    _fill(world, 3, start=midnight - timedelta(minutes=1))  # 23:59 the day before, 00:00, 00:01
    wanted = f"since={day.isoformat()}&until={day.isoformat()}"
    page = client_as(world.coordinator).get(f"/n/red/audit/?{wanted}").content.decode()
    assert _shown(page) == ["Entrada 00002", "Entrada 00001"]


def test_the_page_takes_the_same_queries_and_size_for_a_longer_log(world, client_as):
    client = client_as(world.coordinator)
    _fill(world, 150)
    measured = []
    for _ in range(2):
        client.get("/n/red/audit/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/n/red/audit/")
        older = _link(response.content.decode(), "Older")
        with CaptureQueriesContext(connection) as captured_older:
            client.get(f"/n/red/audit/{older}")
        measured.append((len(captured), len(captured_older), len(response.content)))
        _fill(world, 1000)
    (queries_small, older_small, size_small), (queries_big, older_big, size_big) = measured
    assert queries_big <= queries_small and older_big <= older_small
    assert size_big <= size_small * 1.02  # the same 100 rows
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
@pytest.mark.parametrize("filters", [{}, {"action": "person.add"}, {"since": "2026-01-01"}])
def test_sqlite_walks_the_index_instead_of_sorting_the_log(world, filters):
    _fill(world, 50)
    wanted: dict[str, Any] = {
        k: date.fromisoformat(v) if k == "since" else v for k, v in filters.items()
    }
    entries = queries.audit_entries(world.network, **wanted)
    first = queries.audit_page(entries, size=10)
    for qs in (
        entries.order_by("-at", "-pk")[:11],
        entries.filter(at__lte=first.entries[-1].at).order_by("-at", "-pk")[:11],
        entries.filter(at__gte=first.entries[-1].at).order_by("at", "pk")[:11],
    ):
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert "TEMP B-TREE" not in plan, plan
        assert "core_audit_network_at_id" in plan, plan
