from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "minga.planning"
    label = "planning"
    verbose_name = _("Strategic planning")

    def ready(self) -> None:
        # A person removed from the network takes their ratings and weights along (a
        # cascade no planning action sees): the trends' and notes' figures follow. Receivers
        # on planning's own models only; no other app's signals.
        from minga.planning.models import PestelRating, SwotWeight

        post_delete.connect(_rating_gone, sender=PestelRating, dispatch_uid="planning-rating")
        post_delete.connect(_weight_gone, sender=SwotWeight, dispatch_uid="planning-weight")


def _rating_gone(sender: Any, instance: Any, **kwargs: Any) -> None:
    from minga.planning.actions import reweigh_trend

    reweigh_trend(instance.factor_id)


def _weight_gone(sender: Any, instance: Any, **kwargs: Any) -> None:
    from minga.planning.actions import reweigh_item

    reweigh_item(instance.item_id)
