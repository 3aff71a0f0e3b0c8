from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField  # type: ignore[attr-defined]

from minga.core.models import LANGUAGE_CHOICES, Network, OrganizationSize, OrganizationType
from minga.core.text import comma_list
from minga.membership.models import (
    ContributionKind,
    ParticipationLevel,
    Plan,
    PlanKind,
    PlanPeriod,
)
from minga.reach.models import AUDIENCE_KIND_CHOICES


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    period = forms.ChoiceField(label=_("Period"), choices=PlanPeriod.choices)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    fee = forms.CharField(label=_("Fee (fixed plan)"), required=False)
    fee_small = forms.CharField(label=_("Fee, small organizations"), required=False)
    fee_medium = forms.CharField(label=_("Fee, medium organizations"), required=False)
    fee_large = forms.CharField(label=_("Fee, large organizations"), required=False)
    small_income_max = forms.CharField(label=_("Small: annual income up to"), required=False)
    medium_income_max = forms.CharField(label=_("Medium: annual income up to"), required=False)

    def plan_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        sizes = {size: data.pop(f"fee_{size}") for size in ("small", "medium", "large")}
        if data["kind"] == PlanKind.VARIABLE:
            data["fees"] = {size: value for size, value in sizes.items() if value}
        if not data["fee"]:
            data["fee"] = None
        return data


def _statements(network: Network) -> list[str]:
    from minga.reach.models import AudienceCriteria

    audience = AudienceCriteria.objects.filter(network=network).first()
    return list(audience.statements) if audience else []


class ApplyForm(forms.Form):
    """A person of the network applies for the organization they represent."""

    plan: forms.ModelChoiceField[Plan] = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.none()
    )
    level = forms.ChoiceField(
        label=_("Participation commitment"), choices=ParticipationLevel.choices
    )
    statements = forms.MultipleChoiceField(
        label=_("Statements"), required=False, widget=forms.CheckboxSelectMultiple
    )
    pledges = forms.CharField(
        label=_("What you can contribute (open plan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)
        plan.queryset = network.plans.filter(active=True)
        statements = self.fields["statements"]
        assert isinstance(statements, forms.MultipleChoiceField)
        statements.choices = list(enumerate(_statements(network)))
        if not statements.choices:
            del self.fields["statements"]


class JoinForm(ApplyForm):
    """A newcomer applies from the public page, with its profile."""

    applicant_kind = forms.ChoiceField(label=_("Applying as"), choices=AUDIENCE_KIND_CHOICES)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    size = forms.ChoiceField(label=_("Size"), choices=OrganizationSize.choices)
    themes = forms.CharField(label=_("Themes"), required=False, help_text=_("Separated by commas"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Your name"), max_length=150)
    contact_email = forms.EmailField(label=_("Your email"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    field_order = [
        "applicant_kind",
        "name",
        "country",
        "city",
        "type",
        "size",
        "themes",
        "website",
        "contact_name",
        "contact_email",
        "language",
        "plan",
        "level",
        "statements",
        "pledges",
    ]

    def profile(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["themes"] = comma_list(data["themes"])
        data["accepted_statements"] = [int(i) for i in data.pop("statements", [])]
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CodeForm(forms.Form):
    text = forms.CharField(label=_("Code of ethics"), widget=forms.Textarea(attrs={"rows": 12}))


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount"))
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class InvoiceRunForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), help_text=_("2027 for annual plans, 2027-03 for monthly ones")
    )


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(
        label=_("By"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    country = LazyTypedChoiceField(
        label=_("Country"), choices=[("", _("All countries")), *countries], required=False
    )
    city = forms.CharField(label=_("City"), required=False)
    theme = forms.CharField(label=_("Theme"), required=False)
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", _("All sizes")), *OrganizationSize.choices], required=False
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.none(), required=False, empty_label=_("All plans")
    )
    level = forms.ChoiceField(
        label=_("Participation"),
        choices=[("", _("All levels")), *ParticipationLevel.choices],
        required=False,
    )
    signed = forms.ChoiceField(
        label=_("Code of ethics"),
        choices=[("", _("Signed or not")), ("yes", _("Signed")), ("no", _("Not signed"))],
        required=False,
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)
        plan.queryset = network.plans.all()
