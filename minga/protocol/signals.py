"""What the protocol does when core's people and passwords change (core never imports
it): an officer who loses the role loses their keys; a changed password locks the
officer's key again; a reset one loses it; a token issued against the password may open
cases while its holder keeps it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from minga.core import signals
from minga.core.models import Role, RoleName, hash_secret
from minga.protocol import actions


@receiver(post_delete, sender=Role)
def officer_role_gone(sender: Any, instance: Role, **kwargs: Any) -> None:
    if instance.name == RoleName.PROTOCOL:
        actions.leave(instance.person_id)


@receiver(signals.password_changed)
def lock_again(sender: Any, user: Any, old: str, new: str, **kwargs: Any) -> None:
    actions.relock(user, old, new)


@receiver(signals.password_reset)
def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    actions.forget_keys(user)


@receiver(signals.token_issued)
def keep_for_token(sender: Any, user: Any, token: str, password: str, **kwargs: Any) -> None:
    actions.keep_for_token(user, token, password, hash_secret(token))
