from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField  # type: ignore[attr-defined]

from minga.core.forms import any_country_choices, country_choices, offer_the_networks_countries
from minga.core.l10n import LocalizedDecimalField
from minga.core.models import LANGUAGE_CHOICES, Network, OrganizationSize, OrganizationType
from minga.core.text import comma_list
from minga.membership.models import (
    INVOICE_STATUS_CHOICES,
    ContributionKind,
    ParticipationLevel,
    Plan,
    PlanKind,
    PlanPeriod,
)
from minga.membership.queries import DuesFilters
from minga.reach.models import AUDIENCE_KIND_CHOICES


def _amount(label: Any, *, required: bool = False) -> LocalizedDecimalField:
    """An amount typed the way the reader writes it ("1.234,50" in es): positive, at
    most two decimals."""
    return LocalizedDecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    period = forms.ChoiceField(label=_("Period"), choices=PlanPeriod.choices)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    fee = _amount(_("Fee (fixed plan)"))
    fee_small = _amount(_("Fee, small organizations"))
    fee_medium = _amount(_("Fee, medium organizations"))
    fee_large = _amount(_("Fee, large organizations"))
    small_income_max = _amount(_("Small: annual income up to"))
    medium_income_max = _amount(_("Medium: annual income up to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == PlanKind.FIXED and data.get("fee") is None and "fee" not in self.errors:
            self.add_error("fee", _("A fixed plan needs its fee."))
        if kind == PlanKind.VARIABLE:
            for size in OrganizationSize.values:
                name = f"fee_{size}"
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("A variable plan needs a fee for each size."))
        return data

    def plan_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        sizes = {size: data.pop(f"fee_{size}") for size in OrganizationSize.values}
        if data["kind"] == PlanKind.VARIABLE:
            data["fees"] = {size: value for size, value in sizes.items() if value is not None}
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
    country = LazyTypedChoiceField(label=_("Country"), choices=country_choices)
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
    amount = _amount(_("Amount"), required=True)
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
    country = LazyTypedChoiceField(label=_("Country"), choices=any_country_choices, required=False)
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
        offer_the_networks_countries(self, network)


class DuesFilterForm(forms.Form):
    """What the dues page narrows its balances and invoices to."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=any_country_choices, required=False)
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.none(), required=False, empty_label=_("All plans")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *INVOICE_STATUS_CHOICES], required=False
    )
    period = forms.CharField(label=_("Period"), required=False, max_length=7)
    arrears = forms.BooleanField(label=_("Only those in arrears"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)
        plan.queryset = network.plans.all()
        offer_the_networks_countries(self, network)

    def filters(self) -> DuesFilters:
        """The chosen filters (none when the form is not valid)."""
        if not self.is_valid():
            return DuesFilters()
        data = self.cleaned_data
        return DuesFilters(
            name=data["q"].strip(),
            country=data["country"] or "",
            plan=data["plan"].pk if data["plan"] else None,
            status=data["status"],
            period=data["period"].strip(),
            arrears=data["arrears"],
        )
