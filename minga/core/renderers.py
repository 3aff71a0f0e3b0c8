"""How form fields render: Django's Jinja2 templates of its widgets, Django templates where
a widget ships only those (the admin's); the most used of Django's templates written out
in Python, with their markup."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from markupsafe import escape


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


SELECT_OPTION = "django/forms/widgets/select_option.html"
INPUT_OPTIONS = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
}


def _select(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/select.html with select_option.html for each option."""
    widget = context["widget"]
    out = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input_option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/input_option.html, with input.html"""
    attrs = option["attrs"]
    value = "" if option["value"] is None else f' value="{escape(option["value"])}"'
    field = f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"{value}'
    field += f"{_attrs(attrs)}>"
    if not option["wrap_label"]:
        return field
    target = f' for="{escape(attrs["id"])}"' if attrs.get("id") else ""
    return f"<label{target}>{field} {escape(option['label'])}</label>"


def _multiple_input(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/multiple_input.html (radio buttons, check boxes)."""
    widget = context["widget"]
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{escape(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{escape(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{escape(group)}</label>")
        for option in options:
            if option["template_name"] not in INPUT_OPTIONS:
                return None
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def _label(context: Mapping[str, Any]) -> str | None:
    """django/forms/label.html"""
    label = escape(context["label"])
    if not context["use_tag"]:
        return str(label)
    attrs = _attrs(context["attrs"]) if context["attrs"] else ""
    tag = escape(context["tag"])
    return f"<{tag}{attrs}>{label}</{tag}>"


def _no_errors(context: Mapping[str, Any]) -> str | None:
    """django/forms/errors/list/default.html when there is none; errors themselves take
    Django's template."""
    return "" if not context["errors"] else None


WRITTEN_IN_PYTHON: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _multiple_input,
    "django/forms/widgets/checkbox_select.html": _multiple_input,
    "django/forms/widgets/multiple_input.html": _multiple_input,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _no_errors,
}


class _WrittenInPython:
    """A template of Django's as a function that writes its markup, byte for byte (a test
    compares them), or None to leave the context to Django's template."""

    def __init__(self, write: Callable[[Mapping[str, Any]], str | None], template: Any) -> None:
        self.write = write
        self.template = template

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        written = self.write(context or {})
        return self.template.render(context, request) if written is None else written


class FormRenderer(Jinja2):
    """A country's or an event's <select> renders each option through a template, and
    Jinja2's compiled templates took 12% off the time of the pages bench/load.py reads
    (each page timed in one process; the engineers' notes of 2026-12-06). Pages stay
    Django templates; Minga's own widget templates are under `jinja2/`.

    The templates a form uses most (a list of choices, a label, no errors) are written in
    Python (`WRITTEN_IN_PYTHON`): through Jinja2 the audit log's list of 120 events took
    1.1 ms, and its four labels 0.1 ms each."""

    def get_template(self, template_name: str) -> Any:
        try:
            template = super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)
        write = WRITTEN_IN_PYTHON.get(template_name)
        return template if write is None else _WrittenInPython(write, template)

    @cached_property
    def django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()
