from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minga.core"
    label = "core"
    verbose_name = _("Networks and people")
