from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "minga.financing"
    label = "financing"
    verbose_name = _("Financing")
