from __future__ import annotations

from django.urls import path

from minga.planning import views

urlpatterns = [
    path("", views.planning_home, name="planning"),
    path("plan/", views.plan_export, name="planning_export"),
    path("pestel/", views.pestel, name="planning_pestel"),
    path("pestel/<int:pk>/", views.trend_detail, name="planning_pestel_factor"),
    path("pestel/<int:pk>/rate/", views.trend_rate, name="planning_pestel_rate"),
    path("pestel/<int:pk>/delete/", views.trend_delete, name="planning_pestel_delete"),
    path("swot/", views.swot, name="planning_swot"),
    path("swot/board/", views.swot_board, name="planning_swot_board"),
    path("swot/consultation/", views.swot_from_consultation, name="planning_swot_consultation"),
    path("swot/<int:pk>/", views.swot_item, name="planning_swot_item"),
    path("swot/<int:pk>/weigh/", views.swot_weigh, name="planning_swot_weigh"),
    path("swot/<int:pk>/delete/", views.swot_delete, name="planning_swot_delete"),
    path("basis/", views.basis, name="planning_basis"),
    path("basis/template/", views.basis_template, name="planning_basis_template"),
    path("basis/history/", views.basis_history, name="planning_basis_history"),
    path("basis/pillars/new/", views.pillar_edit, name="planning_pillar_add"),
    path("basis/pillars/<int:pk>/", views.pillar_edit, name="planning_pillar"),
    path("basis/pillars/<int:pk>/delete/", views.pillar_delete, name="planning_pillar_delete"),
    path("objectives/", views.objectives, name="planning_objectives"),
    path("objectives/<int:pk>/", views.objective_edit, name="planning_objective"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="planning_objective_delete"),
    path("prioritizations/new/", views.prioritization_open, name="planning_prioritization_add"),
    path("prioritizations/<int:pk>/", views.prioritization, name="planning_prioritization"),
    path(
        "prioritizations/<int:pk>/<slug:step>/",
        views.prioritization_step,
        name="planning_prioritization_step",
    ),
    path("projects/", views.projects, name="planning_projects"),
    path("projects/new/", views.project_edit, name="planning_project_add"),
    path("projects/<int:pk>/", views.project_detail, name="planning_project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="planning_project_edit"),
    path("projects/<int:pk>/delete/", views.project_delete, name="planning_project_delete"),
    path("projects/<int:project_pk>/results/new/", views.result_edit, name="planning_result_add"),
    path("projects/<int:project_pk>/results/<int:pk>/", views.result_edit, name="planning_result"),
    path(
        "projects/<int:project_pk>/results/<int:pk>/delete/",
        views.result_delete,
        name="planning_result_delete",
    ),
    path(
        "projects/<int:project_pk>/indicators/new/",
        views.indicator_edit,
        name="planning_indicator_add",
    ),
    path(
        "projects/<int:project_pk>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="planning_indicator_edit",
    ),
    path("indicators/<int:pk>/", views.indicator_detail, name="planning_indicator"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="planning_indicator_delete"),
    path(
        "indicators/<int:pk>/measurements/<int:measurement_pk>/delete/",
        views.measurement_delete,
        name="planning_measurement_delete",
    ),
]
