from __future__ import annotations

from django.urls import path

from minga.membership import views

urlpatterns = [
    path("", views.membership_home, name="membership"),
    path("plans/", views.create_plan, name="plan_create"),
    path("apply/", views.apply, name="apply"),
    path("join/", views.join, name="join"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/<str:decision>/", views.decide, name="application_decide"),
    path("directory/", views.directory, name="member_directory"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/level/", views.set_level, name="member_level"),
    path("members/<int:pk>/contributions/", views.pledge, name="member_pledge"),
    path("contributions/<int:pk>/delivered/", views.delivered, name="contribution_delivered"),
    path("ethics/", views.ethics, name="ethics"),
    path("ethics/sign/", views.sign, name="ethics_sign"),
    path("dues/", views.dues, name="dues"),
    path("dues/invoice/", views.run_invoices, name="dues_run"),
    path("dues/invoices/<int:pk>/pay/", views.pay, name="dues_pay"),
    path("dues/export.<str:fmt>", views.export, name="dues_export"),
]
