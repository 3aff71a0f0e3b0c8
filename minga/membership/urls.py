from __future__ import annotations

from django.urls import path

from minga.core.views import step_page

urlpatterns = [
    path("", step_page, {"step": "membership"}, name="membership"),
]
