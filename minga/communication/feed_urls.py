"""The calendar feeds live at the network's root: /n/SLUG/events.ics (public) and
/n/SLUG/events/TOKEN.ics (a person's)."""

from __future__ import annotations

from django.urls import path

from minga.communication import views

urlpatterns = [
    path("events.ics", views.public_feed, name="public_feed"),
    path("events/<str:token>.ics", views.private_feed, name="private_feed"),
]
