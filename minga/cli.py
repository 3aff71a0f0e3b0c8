"""The `minga` command: every Django management command plus Minga's own verbs."""

from __future__ import annotations

import os
import sys

HELP_FLAGS = ("--help", "-h")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    args = sys.argv if argv is None else ["minga", *argv]
    if _help_without_setup(args[1:]):
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


def _help_without_setup(words: list[str]) -> bool:
    """Answer `minga --help` and `minga COMMAND --help` (COMMAND one of Minga's own)
    without `django.setup()`: help needs no models, and setting up every app costs more
    than the rest of the command (bench/startup.py). False: let Django answer."""
    if words in (["help"], ["--help"], ["-h"]):
        sys.stdout.write(main_help_text() + "\n")
        return True
    if len(words) == 2 and (words[1] in HELP_FLAGS or words[0] == "help"):
        name = words[1] if words[0] == "help" else words[0]
        app = commands().get(name)
        if app is None or not app.startswith("minga."):
            return False
        from django.core.exceptions import AppRegistryNotReady
        from django.core.management import load_command_class

        try:
            command = load_command_class(app, name)
        except AppRegistryNotReady:  # a command that needs the models at import
            return False
        command.print_help("minga", name)
        return True
    return False


def commands() -> dict[str, str]:
    """Each command's app, as Django's `get_commands()` finds them, but from the installed
    apps' folders instead of their loaded configurations (the first app listed wins)."""
    from importlib.util import find_spec

    from django.conf import settings
    from django.core import management

    found = {name: "django.core" for name in management.find_commands(management.__path__[0])}
    for app in reversed(settings.INSTALLED_APPS):
        spec = find_spec(app)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            folder_of_commands = os.path.join(folder, "management")
            found.update({name: app for name in management.find_commands(folder_of_commands)})
    return found


def main_help_text() -> str:
    """Django's `minga help` text, grouped by app in the same way."""
    grouped: dict[str, list[str]] = {}
    for name, app in commands().items():
        label = "django" if app == "django.core" else app.rpartition(".")[-1]
        grouped.setdefault(label, []).append(name)
    lines = ["", "Type 'minga help <subcommand>' for help on a specific subcommand.", ""]
    lines.append("Available subcommands:")
    for label in sorted(grouped):
        lines += ["", f"[{label}]", *(f"    {name}" for name in sorted(grouped[label]))]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
