"""What every `minga` command that changes state shares: who it acts as.

A command acts as a named person (`--as USERNAME`, checked like that person on a page)
or, without `--as`, as the system actor, which the audit log records as such.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError

# Imported where used, so that `minga COMMAND --help` needs neither the models nor the
# permission matrix (minga/cli.py, bench/startup.py).
if TYPE_CHECKING:
    from minga.core.permissions import Actor


def add_actor_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="USERNAME",
        default=None,
        help="Act as this person, with their roles (default: the system, recorded as such).",
    )


def actor_from(options: dict[str, Any]) -> Actor:
    from minga.core.models import User
    from minga.core.permissions import SYSTEM

    username = options.get("actor")
    if not username:
        return SYSTEM
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username}.")
    return user
