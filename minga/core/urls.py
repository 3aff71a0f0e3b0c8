from __future__ import annotations

from django.urls import path

from minga.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("health", views.health, name="health"),
    path("language/", views.set_language, name="set_language"),
    path("account/token/", views.api_token, name="api_token"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("networks/new/", views.network_create, name="network_create"),
    path("n/<slug:slug>/", views.network_home, name="network_home"),
    path("n/<slug:slug>/settings/", views.network_settings, name="network_settings"),
    path("n/<slug:slug>/steps/<str:step>/state/", views.step_state, name="step_state"),
    path("n/<slug:slug>/organizations/", views.organization_list, name="organization_list"),
    path("n/<slug:slug>/organizations/new/", views.organization_form, name="organization_create"),
    path(
        "n/<slug:slug>/organizations/<int:pk>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "n/<slug:slug>/organizations/<int:pk>/edit/",
        views.organization_form,
        name="organization_edit",
    ),
    path("n/<slug:slug>/people/", views.people_list, name="people_list"),
    path("n/<slug:slug>/people/invite/", views.invite, name="invite"),
    path("n/<slug:slug>/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("n/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path(
        "n/<slug:slug>/pick/organizations/",
        views.pick_organizations,
        name="pick_organizations",
    ),
    path("n/<slug:slug>/pick/people/", views.pick_people, name="pick_people"),
]
