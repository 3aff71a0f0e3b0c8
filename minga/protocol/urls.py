from __future__ import annotations

from django.urls import path

from minga.protocol import views

urlpatterns = [
    path("", views.principles, name="protocol"),
    path("report/", views.report, name="protocol_report"),
    path("public/", views.public_report, name="protocol_public_report"),
    path("follow/", views.follow, name="protocol_follow"),
    path("cases/", views.cases, name="protocol_cases"),
    path("cases/<int:pk>/", views.case_detail, name="protocol_case"),
    path("cases/<int:pk>/<slug:what>/", views.case_change, name="protocol_case_change"),
    path("cases/<int:pk>/files/<int:file_id>/", views.attachment, name="protocol_attachment"),
    path("key/", views.officer_key, name="protocol_officer_key"),
    path("unlock/", views.unlock, name="protocol_unlock"),
    path("lock/", views.lock, name="protocol_lock"),
    path("grant/", views.grant, name="protocol_grant"),
    path("setup/", views.setup, name="protocol_setup"),
    path("setup/texts/", views.publish_text, name="protocol_texts"),
    path("setup/recover/", views.recover, name="protocol_recover"),
    path("statistics/", views.statistics, name="protocol_statistics"),
]
