from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtocolConfig(AppConfig):
    name = "minga.protocol"
    label = "protocol"
    verbose_name = _("Violence-prevention protocol")

    def ready(self) -> None:
        from minga.protocol import signals  # noqa: F401 - connects the receivers
