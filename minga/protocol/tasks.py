"""Background work of the protocol: purging closed cases past retention (ids only in any
payload, never contents)."""

from __future__ import annotations

from django_tasks import task

from minga.core.models import Network
from minga.core.permissions import SYSTEM
from minga.protocol import actions


@task()
def purge_expired_cases() -> int:
    return sum(
        actions.purge(actor=SYSTEM, network=network)
        for network in Network.objects.filter(protocol__isnull=False)
    )
