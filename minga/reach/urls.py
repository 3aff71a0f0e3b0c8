from __future__ import annotations

from django.urls import path

from minga.reach import views

urlpatterns = [
    path("", views.reach_home, name="reach"),
    path("charter/edit/", views.charter_edit, name="charter_edit"),
    path("charter/history/", views.charter_history, name="charter_history"),
    path("charter/visibility/", views.charter_visibility, name="charter_visibility"),
    path("charter/public/", views.public_charter, name="public_charter"),
    path("audience/", views.audience_edit, name="audience_edit"),
    path("action-plan/", views.add_item, name="action_item_add"),
    path("action-plan/<int:pk>/status/", views.item_status, name="action_item_status"),
]
