"""Communication's forms. An event's date and time are typed where it happens (its time
zone, the network's by default); date boxes take the browser's date or the reader's
format ("31/03/2027" in es)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.communication.models import (
    ChannelKind,
    ConsultationKind,
    EventKind,
    Frequency,
    Licence,
    Recurrence,
    ResourceLanguage,
    WorkingGroup,
    WorkshopTopic,
)
from minga.core.forms import date_field, time_field
from minga.core.l10n import percentage_field
from minga.core.models import Network, Theme
from minga.core.pickers import OrganizationPick, PersonPick


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.ChoiceField(
        label=_("Workshop topic"), choices=[("", "—"), *WorkshopTopic.choices], required=False
    )
    topic_other = forms.CharField(label=_("Other topic"), max_length=200, required=False)
    starts_on = date_field(_("Date"))
    starts_at = time_field(_("Starts at"))
    ends_on = date_field(_("Ends on (empty: the same day)"), required=False)
    ends_at = time_field(_("Ends at"))
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("Where the event happens, for example America/Bogota."),
    )
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Recurrence.choices)
    occurrences = forms.IntegerField(
        label=_("How many times (monthly)"), min_value=1, max_value=60, initial=1
    )
    group = forms.ModelChoiceField(
        label=_("Organized by"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        empty_label=_("The network"),
    )
    link = forms.URLField(
        label=_("Link to join (virtual)"), required=False, max_length=500, assume_scheme="https"
    )
    place = forms.CharField(label=_("Place (face to face)"), max_length=300, required=False)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)
    external_speakers = forms.BooleanField(label=_("External speakers"), required=False)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    public = forms.BooleanField(label=_("Show it in the network's public calendar"), required=False)

    def __init__(self, *args: Any, network: Network, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            groups if groups is not None else WorkingGroup.objects.filter(network=network)
        )

    def clean_time_zone(self) -> str:
        name = str(self.cleaned_data.get("time_zone") or "").strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("%(value)s is not a time zone (for example America/Bogota)."),
                params={"value": name},
            )
        return name

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        starts_on = data.pop("starts_on")
        ends_on = data.pop("ends_on") or starts_on
        data["starts_at"] = datetime.combine(starts_on, data["starts_at"], tzinfo=zone)
        data["ends_at"] = datetime.combine(ends_on, data["ends_at"], tzinfo=zone)
        data["capacity"] = data.get("capacity")
        return data


def event_initial(event: Any) -> dict[str, Any]:
    zone = event.zone
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    fields = (
        "kind",
        "title",
        "description",
        "topic",
        "topic_other",
        "time_zone",
        "recurrence",
        "occurrences",
        "link",
        "place",
        "speakers",
        "external_speakers",
        "capacity",
        "public",
    )
    return {
        **{field: getattr(event, field) for field in fields},
        "group": event.group,
        "starts_on": starts.date(),
        "starts_at": starts.time().replace(second=0, microsecond=0),
        "ends_on": ends.date(),
        "ends_at": ends.time().replace(second=0, microsecond=0),
    }


class MinutesForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(forms.Form):
    person = PersonPick(label=_("Person"))
    lead = forms.BooleanField(label=_("Coordinates the group"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, PersonPick)
        field.bind(network)


class ObjectiveForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Objective"), max_length=300)
    progress = percentage_field(_("Progress (%)"))

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["progress"] = data.get("progress") or Decimal(0)
        return data


class OutputForm(forms.Form):
    title = forms.CharField(label=_("Output"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    on = date_field(_("Date"))


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Send me the digest"), choices=Frequency.choices, widget=forms.RadioSelect
    )


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Slack or Mattermost: the incoming webhook's address. Telegram: "
            "https://api.telegram.org/bot<token>"
        ),
    )
    chat_id = forms.CharField(label=_("Telegram chat id"), max_length=100, required=False)


class InitiativeForm(forms.Form):
    organization = OrganizationPick(label=_("Organization"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    image = forms.FileField(
        label=_("Picture (PNG, JPEG, GIF or WebP; at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationPick)
        field.bind(network)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File (at most 20 MB)"), required=False)
    url = forms.URLField(
        label=_("Or a link"), required=False, max_length=500, assume_scheme="https"
    )
    language = forms.ChoiceField(label=_("Language"), choices=ResourceLanguage.choices)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("All languages")), *ResourceLanguage.choices],
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    licence = forms.ChoiceField(
        label=_("Licence"), choices=[("", _("All licences")), *Licence.choices], required=False
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["theme"] = data["theme"].slug if data.get("theme") else ""
        return data


class ConsultationForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Answered with"), choices=ConsultationKind.choices)
    choices = forms.CharField(
        label=_("Choices (one per line, for a choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closes_on = date_field(_("Open until (the end of that day)"))


class AnswerForm(forms.Form):
    choice = forms.CharField(required=False, max_length=200)
    rating = forms.IntegerField(required=False, min_value=1, max_value=5)
    text = forms.CharField(required=False, max_length=1000)
