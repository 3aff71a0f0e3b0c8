from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "minga.reach"
    label = "reach"
    verbose_name = _("Reach")
