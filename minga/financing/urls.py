from __future__ import annotations

from django.urls import path

from minga.financing import views

urlpatterns = [
    path("", views.financing_home, name="financing"),
    path("calls/", views.call_list, name="funding_calls"),
    path("calls/new/", views.call_edit, name="funding_call_add"),
    path("calls/<int:pk>/", views.call_detail, name="funding_call"),
    path("calls/<int:pk>/edit/", views.call_edit, name="funding_call_edit"),
    path("calls/<int:pk>/delete/", views.call_delete, name="funding_call_delete"),
    path("funders/<int:pk>/", views.funder_edit, name="funding_funder"),
    path("matches/", views.match_list, name="funding_matches"),
    path("gap/", views.gap, name="funding_gap"),
    path("gap/needs/", views.need_add, name="funding_need_add"),
    path("gap/needs/<int:pk>/delete/", views.need_delete, name="funding_need_delete"),
    path("gap/survey/", views.survey_link, name="funding_survey_link"),
    path("organizations/<int:pk>/", views.access_edit, name="funding_access"),
    path("applications/", views.application_list, name="funding_applications"),
    path("applications/<int:pk>/", views.application_detail, name="funding_application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="funding_application_edit"),
    path("applications/<int:pk>/stage/", views.application_stage, name="funding_application_stage"),
    path("applications/<int:pk>/partners/", views.partner_add, name="funding_partner_add"),
    path(
        "applications/<int:pk>/partners/<int:partner>/remove/",
        views.partner_remove,
        name="funding_partner_remove",
    ),
    path("applications/<int:pk>/documents/", views.document_add, name="funding_document_add"),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        views.document_download,
        name="funding_document",
    ),
    path("plan/", views.plan, name="funding_plan"),
    path("plan/lines/new/", views.plan_line_edit, name="funding_line_add"),
    path("plan/lines/<int:pk>/", views.plan_line_edit, name="funding_line"),
]
