from __future__ import annotations

import importlib
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from minga.core import actions
from minga.core.commands import actor_from, add_actor_argument
from minga.core.demo import DEMO_PASSWORD, load_core
from minga.core.models import Network, User


def _app_loaders() -> list[tuple[str, Any]]:
    """Each app's `demo.load`, in the order of INSTALLED_APPS (the method's order)."""
    loaders = []
    for app in settings.MINGA_APPS:
        if app == "minga.core":
            continue
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        loaders.append((app, module.load))
    return loaders


class Command(BaseCommand):
    help = "Load the demo network (slug `demo`): ~40 fictional organizations in five countries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing unless the database has no network."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo network and its users first."
        )
        # Who deletes the old demo with --reset; the demo itself is written by its own
        # fictional people (the coordinator creates the network, and so on).
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Network.objects.exists():
            self.stdout.write("The database already holds a network; demo not loaded.")
            return
        if Network.objects.filter(slug="demo").exists():
            if not options["reset"]:
                raise CommandError("The demo network exists already (use --reset to reload it).")
            actor = actor_from(options)
            with transaction.atomic():
                # The demo network and the example networks apps add beside it.
                for network in Network.objects.filter(Q(slug="demo") | Q(slug__startswith="demo-")):
                    try:
                        actions.delete_network(actor=actor, network=network)
                    except PermissionDenied as exc:
                        raise CommandError(
                            f"{options['actor']} may not delete the network {network.slug}."
                        ) from exc
                User.objects.filter(email__endswith="@demo.minga.invalid").delete()
        started = time.monotonic()
        loaders = _app_loaders()
        with (
            transaction.atomic(),
            tqdm(
                total=1 + len(loaders), desc="demo", unit="part", disable=options["verbosity"] == 0
            ) as bar,
        ):
            demo = load_core()
            bar.update()
            for _app, load in loaders:
                load(demo)
                bar.update()
        self.stdout.write(
            f"Loaded the demo network 'demo' ({len(demo.organizations)} organizations, "
            f"{demo.network.people.count()} people) in {time.monotonic() - started:.1f} s.\n"
            f"Log in as coordinadora, protocolo, tesoreria, rep01…rep40 or admin; "
            f"password: {DEMO_PASSWORD}"
        )
