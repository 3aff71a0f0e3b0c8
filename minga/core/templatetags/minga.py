from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """`{{ labels|get_item:code }}`: a dictionary lookup by a variable key."""
    return mapping.get(key, key)
