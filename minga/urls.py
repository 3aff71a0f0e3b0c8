from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from minga.api import api
from minga.core.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from minga.core.steps import STEPS

handler403 = "minga.core.views.forbidden"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("minga.core.urls")),
    # One folder per step of the method, each with its own URLs.
    *[path(f"n/<slug:slug>/{step.key}/", include(f"minga.{step.key}.urls")) for step in STEPS],
    path("n/<slug:slug>/protocol/", include("minga.protocol.urls")),
    path("n/<slug:slug>/sortition/", include("minga.sortition.urls")),
    # The network's calendar feeds, public and per person.
    path("n/<slug:slug>/", include("minga.communication.feed_urls")),
]
