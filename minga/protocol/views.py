from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minga.core.access import get_network_for


@login_required
def principles(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    return render(request, "protocol/principles.html", {"network": network})
