from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "minga.mapping"
    label = "mapping"
    verbose_name = _("Mapping")
