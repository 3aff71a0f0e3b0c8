"""The one helper that sends mail: a subject/txt/html template trio per message,
rendered in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(
    *, to: str, template: str, context: dict[str, Any], language: str | None
) -> None:
    """Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` to one address."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"base_url": settings.MINGA_BASE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
