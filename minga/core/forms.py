from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField  # type: ignore[attr-defined]

from minga.core import signals
from minga.core.models import (
    LANGUAGE_CHOICES,
    GovernanceModel,
    Network,
    Organization,
    OrganizationSize,
    OrganizationType,
    RoleName,
)
from minga.core.pickers import OrganizationPick
from minga.core.text import comma_list


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    """A date box that shows its stored value: the browser's date box takes only yyyy-mm-dd,
    so a localized initial value would come up empty; typed text is read in the reader's
    format too ("31/03/2027" in es)."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def time_field(label: Any, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )


class NetworkForm(forms.Form):
    slug = forms.SlugField(label=_("Short name (used in links)"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    model = forms.ChoiceField(label=_("Governance model"), choices=GovernanceModel.choices)
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["es", "pt-br"],
    )


class NetworkSettingsForm(NetworkForm):
    # A text box, not a list of 600 names: coordinators set it once.
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_(
            "For example America/Bogota or America/Sao_Paulo. A deadline given as a date "
            "alone ends at midnight in this zone."
        ),
    )

    def clean_time_zone(self) -> str:
        name = str(self.cleaned_data.get("time_zone") or "").strip()
        if name and name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("%(value)s is not a time zone (for example America/Bogota)."),
                params={"value": name},
            )
        return name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]


def country_choices() -> list[tuple[str, Any]]:
    """Countries named in the language of the request: a callable, so the names are not
    frozen in whichever language was active when the form's module was imported."""
    return list(countries)


def any_country_choices() -> list[tuple[str, Any]]:
    return [("", _("All countries")), *countries]


def offer_the_networks_countries(form: forms.Form, network: Network) -> None:
    """A country filter lists the countries of the network's organizations (and the one
    asked for), not all 250: less to scroll on a phone, and rendering 250 options was a
    third of the organizations page's time (bench/load.py). Any country still validates."""
    present = set(network.organizations.order_by().values_list("country", flat=True).distinct())
    if form.is_bound and (chosen := form.data.get("country")):
        present.add(chosen)
    form.fields["country"].widget.choices = [
        ("", _("All countries")),
        *((code, name) for code, name in countries if code in present),
    ]


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=country_choices)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    size = forms.ChoiceField(label=_("Size"), choices=OrganizationSize.choices)
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        help_text=_("Separated by commas, e.g. citizen participation, environment"),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    @staticmethod
    def initial_for(organization: Organization) -> dict[str, Any]:
        return {
            "name": organization.name,
            "country": organization.country.code,
            "city": organization.city,
            "type": organization.type,
            "size": organization.size,
            "themes": ", ".join(theme.name for theme in organization.themes.all()),
            "website": organization.website,
            "contact_email": organization.contact_email,
            "contact_phone": organization.contact_phone,
        }

    def split(self) -> tuple[dict[str, Any], list[str]]:
        """The organization's fields and its list of theme names."""
        data = dict(self.cleaned_data)
        themes = comma_list(data.pop("themes"))
        return data, themes


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    country = LazyTypedChoiceField(label=_("Country"), choices=any_country_choices, required=False)
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", _("All sizes")), *OrganizationSize.choices], required=False
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *OrganizationType.choices], required=False
    )
    theme = forms.CharField(label=_("Theme"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_the_networks_countries(self, network)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *RoleName.choices], required=False
    )
    # One organization's people (the link from an organization's page), kept while filtering.
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def event_choices() -> BaseChoiceIterator:
    return _events_named_in(translation.get_language())


class _Named(BaseChoiceIterator):
    """Choices already in the shape Django gives them: a field iterates them as they are,
    where it would check a plain list's 121 pairs again each time (three times a page)."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.choices)


@functools.cache
def _events_named_in(language: str) -> _Named:
    """Each event named by its own sentence, with "…" for who and what, sorted: once per
    language (the audit page's filter asks twice per page, and there are 120 events)."""
    from minga.core.events import AuditEvent

    named = [
        (event.value, str(event.label) % {"actor": "…", "target": "…"}) for event in AuditEvent
    ]
    named.sort(key=lambda choice: choice[1].lstrip("… "))
    return _Named((("", str(_("All events"))), *named))


class AuditFilterForm(forms.Form):
    """The audit log's filters, on its page, in its exports and in the API."""

    # Typed, not picked: a list of every person would outgrow the page in a large network.
    actor = forms.CharField(
        label=_("Person (user name)"), max_length=150, required=False, strip=True
    )
    action = forms.ChoiceField(label=_("Event"), choices=event_choices, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Roles"),
            choices=RoleName.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )


class PersonForm(forms.Form):
    organization = OrganizationPick(label=_("Organization they represent"), required=False)
    roles = RolesField()

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationPick)
        field.bind(network)


class InviteForm(PersonForm):
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES)

    field_order = ["email", "language", "organization", "roles"]


class AccountForm(forms.Form):
    """Opens an account when someone follows an invitation without having one."""

    first_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link in the account holder's language, not the requester's."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Tells the apps that keep something under the password (`signals.password_changed`)."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        signals.password_changed.send(
            sender=type(user),
            user=user,
            old=self.cleaned_data["old_password"],
            new=self.cleaned_data["new_password1"],
        )
        return user


class SetPasswordForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    """A reset without the old password: what was locked under it is lost
    (`signals.password_reset`)."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        signals.password_reset.send(
            sender=type(user), user=user, new=self.cleaned_data["new_password1"]
        )
        return user
