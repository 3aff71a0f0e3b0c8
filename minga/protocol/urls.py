from __future__ import annotations

from django.urls import path

from minga.protocol import views

urlpatterns = [path("", views.principles, name="protocol")]
