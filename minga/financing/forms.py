"""Financing's forms. Amounts are typed as the reader writes them ("25.000,50" in es and
pt-BR); dates as the browser's date field gives them or in the reader's format
("31/03/2027" in es); a deadline's time is in the network's time zone."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.core.forms import country_choices, date_field, time_field
from minga.core.l10n import LocalizedDecimalField, percentage_field
from minga.core.models import Network, OrganizationType, Theme
from minga.core.pickers import OrganizationPick, PersonPick
from minga.financing.models import (
    FunderKind,
    LineStatus,
    Mechanism,
    NeedKind,
    SourceType,
    Stage,
)


def amount(label: Any, *, required: bool = False) -> LocalizedDecimalField:
    return LocalizedDecimalField(
        label=label, required=required, min_value=Decimal(0), max_digits=14, decimal_places=2
    )


def currency_field(initial: str = "USD") -> forms.CharField:
    return forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        initial=initial,
        help_text=_("Three letters: USD, EUR, BRL, COP…"),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )


class DeadlineMixin(forms.Form):
    """A deadline as a date and, optionally, a time where the network is; a date alone
    ends at the end of that day."""

    network: Network
    deadline_on = date_field(_("Deadline"))
    deadline_at = time_field(_("Time (optional)"), required=False)
    deadline_at.help_text = _("In the network's time zone. Empty: the end of that day.")

    def deadline(self) -> datetime:
        day = self.cleaned_data["deadline_on"]
        at: time | None = self.cleaned_data.get("deadline_at")
        if at is None:
            return self.network.end_of_day(day)
        return datetime.combine(day, at, tzinfo=self.network.zone())


def deadline_initial(moment: datetime, network: Network) -> dict[str, Any]:
    local = moment.astimezone(network.zone())
    end = local.time().replace(microsecond=0) == time(23, 59, 59)
    return {"deadline_on": local.date(), "deadline_at": None if end else local.time()}


class CallForm(DeadlineMixin):
    title = forms.CharField(label=_("Title"), max_length=300)
    funder = forms.CharField(label=_("Funder"), max_length=200)
    source_type = forms.ChoiceField(label=_("Source type"), choices=SourceType.choices)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: any theme."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Eligible countries"),
        choices=country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose more than one. None chosen: any country."),
    )
    org_types = forms.MultipleChoiceField(
        label=_("Eligible kinds of organization"),
        choices=OrganizationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: any kind."),
    )
    amount_min = amount(_("Smallest amount"))
    amount_max = amount(_("Largest amount"))
    currency = currency_field()
    cofinancing = percentage_field(_("Co-financing required (%)"))
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    criteria = forms.CharField(
        label=_("Criteria"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    joint_allowed = forms.BooleanField(label=_("Joint applications allowed"), required=False)
    field_order = ["title", "funder", "source_type", "deadline_on", "deadline_at"]

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("deadline_on")
        data.pop("deadline_at", None)
        data["deadline"] = self.deadline()
        data["themes"] = [theme.slug for theme in data["themes"]]
        data["countries"] = list(data["countries"])
        data["org_types"] = list(data["org_types"])
        return data


class CallFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    source_type = forms.ChoiceField(
        label=_("Source type"),
        choices=[("", _("All sources")), *SourceType.choices],
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    past = forms.BooleanField(label=_("Include calls past their deadline"), required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["theme"] = data["theme"].slug if data.get("theme") else ""
        return data


class MatchForm(forms.Form):
    organization = OrganizationPick(
        label=_("For the organization"),
        required=False,
        help_text=_("Empty: the whole network."),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationPick)
        field.bind(network)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of calls (CSV or XLSX)"),
        help_text=_(
            "Columns: title, funder, source_type, themes, countries, org_types, amount_min, "
            "amount_max, currency, deadline, url, criteria, joint_allowed."
        ),
    )


class FunderForm(forms.Form):
    name = forms.CharField(label=_("Funder"), max_length=200)
    source_type = forms.ChoiceField(label=_("Source type"), choices=SourceType.choices)
    kind = forms.ChoiceField(label=_("Kind of funder"), choices=FunderKind.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    mission = forms.CharField(
        label=_("Mission"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    values = forms.CharField(
        label=_("Values"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pillars = forms.CharField(
        label=_("Pillars"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccessForm(forms.Form):
    """An organization's access to funding: a box and an amount per source type."""

    lacks = forms.CharField(
        label=_("What it lacks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: co-financing, someone to write proposals, a legal status."),
    )
    needed_amount = amount(_("Amount it looks for"))
    currency = currency_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in SourceType.choices:
            self.fields[f"uses_{value}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"amount_{value}"] = amount(_("Approximate annual amount"))

    def source_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"uses_{v}"], self[f"amount_{v}"]) for v in SourceType.values]

    def sources(self) -> dict[str, tuple[Decimal | None, str]]:
        data = self.cleaned_data
        currency = data["currency"].upper()
        return {
            value: (data.get(f"amount_{value}"), currency)
            for value in SourceType.values
            if data.get(f"uses_{value}")
        }


class NeedForm(forms.Form):
    title = forms.CharField(label=_("What for"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=NeedKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = amount(_("Amount"), required=True)
    currency = currency_field()
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["themes"] = [theme.slug for theme in data["themes"]]
        return data


class SurveyLinkForm(forms.Form):
    survey = forms.ChoiceField(label=_("Survey"))
    needs_question = forms.ChoiceField(label=_("Question of what members need"), required=False)
    funding_choice = forms.CharField(
        label=_("Answer meaning access to funding"),
        required=False,
        help_text=_("The choice's name, for example funding_networks."),
    )
    sources_question = forms.ChoiceField(
        label=_("Question of the sources members draw on"), required=False
    )
    offers_question = forms.ChoiceField(label=_("Question of what members offer"), required=False)

    def __init__(self, *args: Any, surveys: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        language = get_language() or "es"
        survey_field = self.fields["survey"]
        assert isinstance(survey_field, forms.ChoiceField)
        survey_field.choices = [(str(s.pk), s.title_in(language)) for s in surveys]
        questions: list[tuple[str, Any]] = [("", _("None"))]
        seen = set()
        for survey in surveys:
            for q in survey.parsed_form().questions:
                if q.type.startswith("select_") and q.name not in seen:
                    seen.add(q.name)
                    questions.append((q.name, f"{q.label(language)} ({q.name})"))
        for name in ("needs_question", "sources_question", "offers_question"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = questions


class ApplicationForm(DeadlineMixin):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    lead = OrganizationPick(label=_("Lead organization"))
    budget = amount(_("Budget"))
    currency = currency_field()
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["title", "lead", "deadline_on", "deadline_at", "budget", "currency", "notes"]

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        lead = self.fields["lead"]
        assert isinstance(lead, OrganizationPick)
        lead.bind(network)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("deadline_on")
        data.pop("deadline_at", None)
        data["deadline"] = self.deadline()
        return data


class ApplicationEditForm(ApplicationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["lead"]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    awarded_amount = amount(_("Amount awarded"))
    awarded_on = date_field(_("Awarded on"), required=False)


class PartnerForm(forms.Form):
    organization = OrganizationPick(label=_("Partner organization"))
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    budget_share = percentage_field(_("Share of the budget (%)"))

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationPick)
        field.bind(network)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"), help_text=_("At most 10 MB."))


class PlanForm(forms.Form):
    mechanisms = forms.MultipleChoiceField(
        label=_("Funding mechanisms chosen"),
        choices=Mechanism.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_conditions = forms.CharField(
        label=_("Legal conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    institutional_conditions = forms.CharField(
        label=_("Institutional conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up of progress"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanLineForm(forms.Form):
    title = forms.CharField(label=_("Line of action"), max_length=300)
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=Mechanism.choices)
    owner = PersonPick(label=_("Owner"), required=False)
    deadline = date_field(_("Deadline"))
    status = forms.ChoiceField(label=_("Status"), choices=LineStatus.choices)
    progress = percentage_field(_("Progress (%)"))

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, PersonPick)
        field.bind(network)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["progress"] = data.get("progress") or Decimal(0)
        return data
