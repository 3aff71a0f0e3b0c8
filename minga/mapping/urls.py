from __future__ import annotations

from django.urls import path

from minga.mapping import views

urlpatterns = [
    path("", views.step, name="mapping"),
    path("import/", views.survey_import, name="mapping_import"),
    path("questionnaire.xlsx", views.template_download, name="mapping_template"),
    path("surveys/<slug:name>/", views.report, name="mapping_report"),
    path("surveys/<slug:name>/crosstab.svg", views.crosstab_chart, name="mapping_crosstab_chart"),
    path("surveys/<slug:name>/charts/<path:question>.svg", views.chart, name="mapping_chart"),
    path("surveys/<slug:name>/export.<str:fmt>", views.export, name="mapping_export"),
]
