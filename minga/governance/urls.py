from __future__ import annotations

from django.urls import path

from minga.governance import views

urlpatterns = [
    path("", views.governance_home, name="governance"),
    path(
        "coordinating-organization/",
        views.set_coordinating_organization,
        name="coordinating_organization",
    ),
    path("mandates/", views.mandates, name="mandates"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path(
        "proposals/outcomes.csv",
        views.proposals_export,
        {"fmt": "csv"},
        name="proposal_outcomes_csv",
    ),
    path(
        "proposals/outcomes.xlsx",
        views.proposals_export,
        {"fmt": "xlsx"},
        name="proposal_outcomes_xlsx",
    ),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/position/", views.take_position, name="proposal_position"),
    path("proposals/<int:pk>/amend/", views.amend, name="proposal_amend"),
    path("proposals/<int:pk>/comment/", views.add_comment, name="proposal_comment"),
    path("proposals/<int:pk>/close/", views.close, name="proposal_close"),
    path(
        "proposals/<int:pk>/objections/<int:objection_id>/withdraw/",
        views.withdraw_objection,
        name="objection_withdraw",
    ),
    path("circles/new/", views.circle_form, name="circle_create"),
    path("circles/<int:pk>/", views.circle_detail, name="circle_detail"),
    path("circles/<int:pk>/edit/", views.circle_form, name="circle_edit"),
    path("circles/<int:pk>/elections/", views.open_election, name="election_open"),
    path("elections/<int:pk>/nominate/", views.nominate, name="election_nominate"),
    path(
        "elections/<int:pk>/consent-round/<int:nomination_id>/",
        views.consent_round,
        name="election_consent_round",
    ),
    path("mandates/<int:pk>/end/", views.end_mandate, name="mandate_end"),
    path("mandates/<int:pk>/renew/", views.renew_mandate, name="mandate_renew"),
]
