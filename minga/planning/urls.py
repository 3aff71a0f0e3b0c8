from __future__ import annotations

from django.urls import path

from minga.core.web import step_page

urlpatterns = [
    path("", step_page, {"step": "planning"}, name="planning"),
]
