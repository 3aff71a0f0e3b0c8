from __future__ import annotations

from django.urls import URLPattern

# The draw pages (minga/sortition/views.py) are mounted here.
urlpatterns: list[URLPattern] = []
