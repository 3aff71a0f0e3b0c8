from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minga.core"
    label = "core"
    verbose_name = _("Networks and people")

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in

        from minga.core.models import use_quick_choice_labels

        use_quick_choice_labels(
            model for model in apps.get_models() if model.__module__.startswith("minga.")
        )

        from minga.core.views import remember_language_choice

        user_logged_in.connect(remember_language_choice, dispatch_uid="minga.core.language_choice")
