"""Time the ranking of funding calls (matches) as a network's catalogue grows.

Usage: .venv/bin/python bench/funding_match.py [SIZES...]   (default: 100 1000 10000)
Prints, per number of open calls: the median milliseconds to rank them for the network
cold (nothing cached: after an import or an edit), warm (a page of 20 from the cached
ranking: every other view), one call's own page (it judges that call only), and the cold
time's ratio to the smallest size (the ranking reads every open call, so it grows with
them; the warm page and the call's page must stay flat).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path


def median_ms(run: Callable[[], object], times: int = 5) -> float:
    found = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        found.append((time.perf_counter() - started) * 1000)
    return statistics.median(found)


def main(sizes: list[int]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="minga-bench-"))
    os.environ.setdefault("MINGA_VAR_DIR", str(workdir))
    os.environ["MINGA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
    os.environ["MINGA_DEBUG"] = "false"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from minga.core import actions as core_actions
    from minga.core.models import User
    from minga.financing import queries
    from minga.financing.models import Call, Funder

    call_command("migrate", verbosity=0)
    user = User.objects.create(username="bench")
    network = core_actions.create_network(actor=user, slug="bench", name="Bench")
    for index in range(200):
        core_actions.create_organization(
            actor=user,
            network=network,
            name=f"Org {index}",
            country=["AR", "BR", "CO", "MX"][index % 4],
            type=["ngo", "foundation", "collective"][index % 3],
            themes=[["Participación"], ["Ambiente"], ["Juventudes"]][index % 3],
        )
    funder = Funder.objects.create(network=network, name="Funder", source_type="private")
    now = timezone.now()
    made = 0
    first = None
    print("open calls | cold ms | warm ms | one call ms | cold ratio")
    for size in sorted(sizes):
        Call.objects.bulk_create(
            Call(
                network=network,
                funder=funder,
                title=f"Call {index}",
                source_type="private",
                countries=[["CO"], ["AR", "BR"], []][index % 3],
                org_types=[["ngo"], [], ["foundation", "network"]][index % 3],
                amount_min=None,
                amount_max=1000 + index,
                currency="USD",
                deadline=now + timedelta(days=1 + index % 300),
                joint_allowed=index % 2 == 0,
            )
            for index in range(made, size)
        )
        made = size
        one = Call.objects.filter(network=network).first()
        assert one is not None

        def cold() -> object:
            cache.clear()
            return queries.matches(network)

        cold_ms = median_ms(cold, 3)
        queries.matches(network)
        warm_ms = median_ms(lambda: queries.matches(network)[:20])
        one_ms = median_ms(partial(queries.match_for_call, network, one))
        first = first or cold_ms
        ratio = cold_ms / first
        print(f"{size:10} | {cold_ms:7.1f} | {warm_ms:7.1f} | {one_ms:11.1f} | {ratio:6.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
