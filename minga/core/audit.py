"""The audit log's one writer, used by every app's actions."""

from __future__ import annotations

from typing import Any

from django.db import models

from minga.core.events import AuditEvent
from minga.core.models import AuditEntry, Network
from minga.core.permissions import SYSTEM


def record(
    *,
    actor: Any,
    action: AuditEvent,
    target: models.Model,
    network: Network | None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        network=network,
        actor=actor if actor is not None and actor.is_authenticated else None,
        by_system=actor is SYSTEM,
        action=AuditEvent(action).value,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
    )
