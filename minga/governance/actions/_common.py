"""Helpers shared by the governance actions' modules (not part of the write path)."""

from __future__ import annotations

from minga.core.models import User
from minga.governance.models import Circle


def in_circle(user: User, circle: Circle) -> bool:
    """Whether the user holds a current seat in the circle."""
    return circle.mandates.current().filter(person__user=user).exists()
