from __future__ import annotations

from django.urls import path

from minga.sortition import views

urlpatterns = [
    path("", views.draw_list, name="draws"),
    path("new/", views.draw_create, name="draw_create"),
    path("<int:pk>/", views.draw_detail, name="draw_detail"),
    path("<int:pk>/quotas/", views.draw_quotas, name="draw_quotas"),
    path("<int:pk>/feasibility/", views.feasibility, name="draw_feasibility"),
    path("<int:pk>/progress/", views.progress, name="draw_progress"),
    path("<int:pk>/compute/", views.compute, name="draw_compute"),
    path("<int:pk>/publish/", views.publish, name="draw_publish"),
    path("<int:pk>/seed/", views.fix_seed, name="draw_seed"),
    path("<int:pk>/lottery/", views.make_lottery, name="draw_lottery"),
    path("<int:pk>/alternates/", views.choose_alternates, name="draw_alternates"),
    path("<int:pk>/number/", views.enter_number, name="draw_number"),
    path("<int:pk>/draw/", views.draw_panel, name="draw_panel"),
    path("<int:pk>/seat/", views.seat, name="draw_seat"),
    path("<int:pk>/decline/", views.decline, name="draw_decline"),
    path("<int:pk>/chart.svg", views.chart, name="draw_chart"),
    path(
        "<int:pk>/<str:name>",
        views.download,
        name="draw_file",
    ),
]
