"""Every API schema has its own name: two apps' schemas of the same name would share one
entry in the OpenAPI document, and one app's answers would be checked against the other's."""

from __future__ import annotations

import importlib

from django.conf import settings
from ninja import Schema


def test_no_two_api_schemas_share_a_name():
    seen: dict[str, str] = {}
    for app in settings.MINGA_APPS:
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                assert name not in seen, f"{name} is defined in {seen[name]} and {module.__name__}"
                seen[name] = module.__name__
    assert len(seen) > 50
