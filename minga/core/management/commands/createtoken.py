from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core import actions
from minga.core.commands import actor_from, add_actor_argument
from minga.core.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            token = actions.issue_token(actor=actor_from(options), user=user)
        except PermissionDenied as exc:
            raise CommandError(
                f"{options['actor']} may not issue a token for {user.username}: only the person"
                " themself or a platform administrator may."
            ) from exc
        self.stdout.write(token)
