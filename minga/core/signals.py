"""Moments when a person proves or replaces their password. Core sends them; an app that
keeps something locked under a password (the protocol's officer keys) listens, so core
never imports it. The password travels only inside the process, never to a task."""

from __future__ import annotations

from django.dispatch import Signal

# A token was issued to someone who typed their password: user, token (the raw secret,
# shown to them once), password.
token_issued = Signal()
# Someone changed their password knowing the old one: user, old, new.
password_changed = Signal()
# Someone set a new password from a reset link, without the old one: user, new.
password_reset = Signal()
