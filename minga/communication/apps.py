from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "minga.communication"
    label = "communication"
    verbose_name = _("Communication")
