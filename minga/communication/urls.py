from __future__ import annotations

from django.urls import path

from minga.communication import views

urlpatterns = [
    path("", views.communication_home, name="communication"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_edit, name="event_add"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("events/<int:pk>/minutes/", views.event_minutes, name="event_minutes"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("calendars/", views.calendars, name="calendars"),
    path("rhythm/", views.rhythm_page, name="rhythm"),
    path("initiatives/", views.initiative_list, name="initiatives"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:pk>/picture", views.initiative_image, name="initiative_image"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/file", views.resource_download, name="resource_download"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("engagement/", views.engagement_page, name="engagement"),
    path("digest/", views.digest_page, name="digest"),
    path("digest/news/", views.news_post, name="news_post"),
    path("digest/channels/", views.channel_add, name="channel_add"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
    path("groups/", views.group_list, name="working_groups"),
    path("groups/<int:pk>/", views.group_detail, name="working_group"),
    path("groups/<int:pk>/<str:part>/", views.group_change, name="working_group_change"),
    path(
        "groups/<int:pk>/members/<int:member>/remove/",
        views.member_remove,
        name="working_group_member_remove",
    ),
]
