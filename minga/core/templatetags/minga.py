from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.utils import translation

from minga.core import l10n

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """`{{ labels|get_item:code }}`: a dictionary lookup by a variable key."""
    return mapping.get(key, key)


@register.filter
def number(value: Any, places: Any = None) -> str:
    """`{{ amount|number:2 }}`: a number in the page's language ("1.234,50" in es)."""
    return l10n.number(value, None if places in (None, "") else int(places))


@register.filter
def percent(share: Any, places: Any = 1) -> str:
    """`{{ share|percent }}`: a share (0.175) as "17,5%" in es."""
    return l10n.percent(share, int(places))


@register.simple_tag(takes_context=True)
def page_query(context: Any, param: str, number: int) -> str:
    """The current query string with page `number` under `param` (`{% querystring %}` only
    takes literal names), so one pager serves every list of a page."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.simple_tag
def languages_by_own_name() -> tuple[tuple[str, str], ...]:
    """Each interface language by its own name ("Español", "Português (Brasil)") for the
    language menu of every page: once per process, where `{% language %}` switched the
    translation three times a page."""
    return _languages_by_own_name()


@functools.cache
def _languages_by_own_name() -> tuple[tuple[str, str], ...]:
    named = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            named.append((code, str(name)))
    return tuple(named)
