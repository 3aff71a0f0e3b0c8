"""How form fields render: Django's Jinja2 templates of its widgets, Django templates where
a widget ships only those (the admin's)."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    """A country's or an event's <select> renders each option through a template, and
    Jinja2's compiled templates took 12% off the time of the pages bench/load.py reads
    (each page timed in one process; the engineers' notes of 2026-12-06). Pages stay
    Django templates; Minga's own widget templates are under `jinja2/`."""

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)

    @cached_property
    def django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()
