"""Planning's forms. Numbers are typed as the reader writes them ("1.250,5" in es and
pt-BR); dates as the browser's date box gives them or in the reader's format."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.core import intake
from minga.core.forms import date_field
from minga.core.l10n import LocalizedDecimalField, percentage_field
from minga.core.models import Network
from minga.core.pickers import PersonPick
from minga.planning import priority
from minga.planning.models import (
    BallotMethod,
    Impact,
    Objective,
    ObjectiveStatus,
    PestelCategory,
    PestelFactor,
    Pillar,
    Result,
    ResultKind,
    Stakeholder,
    SwotQuadrant,
)

PROBABILITY_CHOICES = [
    (1, _("1 – unlikely")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – almost certain")),
]
WEIGHT_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def weight_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("How much it counts in the progress of what it belongs to."),
    )


class RatingForm(forms.Form):
    probability = forms.TypedChoiceField(
        label=_("Probability"), choices=PROBABILITY_CHOICES, coerce=int
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Impact.choices)


class TrendForm(RatingForm):
    category = forms.ChoiceField(label=_("Factor"), choices=PestelCategory.choices)
    trend = forms.CharField(label=_("Trend"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=_text_area())
    field_order = ["category", "trend", "description", "probability", "impact"]

    def __init__(self, *args: Any, rate: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("probability", "impact"):
            self.fields[name].required = rate
        if rate:
            self.fields["probability"].help_text = _("Your own rating; others add theirs.")
        else:
            del self.fields["probability"], self.fields["impact"]


class SwotItemForm(forms.Form):
    quadrant = forms.ChoiceField(label=_("Quadrant"), choices=SwotQuadrant.choices)
    text = forms.CharField(label=_("Text"), max_length=500, widget=_text_area(2))
    trends = forms.ModelMultipleChoiceField(
        label=_("PESTEL trends behind it"),
        queryset=PestelFactor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For opportunities and threats: the trends that inform them."),
    )

    def __init__(
        self, *args: Any, network: Network, linked: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The hundred heaviest trends (a board's links are to what matters most), and those
        # the note is linked to already, so that saving it keeps them.
        top = list(linked) + list(
            PestelFactor.objects.filter(network=network)
            .order_by("-priority", "pk")
            .values_list("pk", flat=True)[:100]
        )
        field = self.fields["trends"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = PestelFactor.objects.filter(pk__in=top).order_by("-priority", "pk")


class SwotAddForm(forms.Form):
    """A note added straight into one quadrant of the board."""

    text = forms.CharField(label=_("New note"), max_length=500)


class SwotEditForm(SwotItemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class WeightForm(forms.Form):
    weight = forms.TypedChoiceField(label=_("Weight"), choices=WEIGHT_CHOICES, coerce=int)


class ConsultationForm(forms.Form):
    consultation = forms.TypedChoiceField(label=_("Quick consultation"), coerce=int, choices=[])
    quadrant = forms.ChoiceField(
        label=_("Quadrant"),
        choices=[
            (SwotQuadrant.STRENGTH.value, SwotQuadrant.STRENGTH.label),
            (SwotQuadrant.WEAKNESS.value, SwotQuadrant.WEAKNESS.label),
            (SwotQuadrant.OPPORTUNITY.value, SwotQuadrant.OPPORTUNITY.label),
            (SwotQuadrant.THREAT.value, SwotQuadrant.THREAT.label),
        ],
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices


class BasisForm(forms.Form):
    mission = forms.CharField(label=_("Mission"), required=False, widget=_text_area())
    vision = forms.CharField(label=_("Vision"), required=False, widget=_text_area())
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=_text_area())
    values = forms.CharField(label=_("Values"), required=False, widget=_text_area())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].help_text = _(
            "What needs to be done to achieve the network's purpose over a period."
        )
        self.fields["vision"].help_text = _(
            "Where the network wants to go: its medium and long term goals."
        )
        self.fields["purpose"].help_text = _("The main reason why the network exists.")
        self.fields["values"].help_text = _(
            "The principles on which actions and decisions are based."
        )


class PillarForm(forms.Form):
    name = forms.CharField(label=_("Pillar"), max_length=200)
    stakeholder = forms.ChoiceField(label=_("Oriented to"), choices=Stakeholder.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=_text_area(2))
    weight = weight_field()


class ObjectiveForm(forms.Form):
    pillar = forms.ModelChoiceField(label=_("Pillar"), queryset=Pillar.objects.none())
    title = forms.CharField(label=_("Objective"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=_text_area(2))

    def __init__(self, *args: Any, network: Network, manage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pillar"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Pillar.objects.filter(network=network).order_by("order", "pk")
        if manage:
            self.fields["weight"] = weight_field()
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=ObjectiveStatus.choices
            )


class PrioritizationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    method = forms.ChoiceField(label=_("Method"), choices=BallotMethod.choices)
    dots = forms.IntegerField(
        label=_("Dots per organization"),
        min_value=1,
        max_value=priority.MAX_DOTS,
        initial=5,
        help_text=_("For dot voting: how many dots each organization places."),
    )
    adopt = forms.IntegerField(
        label=_("Objectives to adopt"),
        min_value=priority.MIN_ADOPTED,
        max_value=priority.MAX_ADOPTED,
        initial=4,
    )
    closes_on = date_field(_("Closes on"))
    closes_on.help_text = _("Ballots are taken until the end of that day.")


class BallotForm(forms.Form):
    """One number box an objective: dots given, or its place in the ranking."""

    def __init__(
        self, *args: Any, objectives: list[Objective], method: str, dots: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        top = dots if method == BallotMethod.DOTS else len(objectives)
        for objective in objectives:
            self.fields[f"o{objective.pk}"] = forms.IntegerField(
                label=objective.title, required=False, min_value=0, max_value=top
            )

    def marks(self) -> dict[int, int]:
        return {
            objective.pk: value
            for objective in self.objectives
            if (value := self.cleaned_data.get(f"o{objective.pk}"))
        }


class ProjectForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=Objective.objects.none())
    title = forms.CharField(label=_("Project"), max_length=300)
    impact_objective = forms.CharField(
        label=_("General objective of the impact"), required=False, widget=_text_area(2)
    )
    specific_objective = forms.CharField(
        label=_("Specific objective"), required=False, widget=_text_area(2)
    )
    starts_on = date_field(_("Start date"))
    ends_on = date_field(_("End date"))
    axis_referent = PersonPick(label=_("Referent of the axis"), required=False)
    line_referent = PersonPick(label=_("Referent of the programmatic line"), required=False)
    responsible = PersonPick(label=_("Responsible for the project"), required=False)
    staff = forms.CharField(label=_("Staff"), required=False, widget=_text_area(2))
    extra_resources = forms.CharField(
        label=_("Resources (extra)"), required=False, widget=_text_area(2)
    )
    general_indicators = forms.CharField(
        label=_("General indicators"),
        required=False,
        widget=_text_area(2),
        help_text=_("In words; measured indicators are added on the project's page."),
    )
    weight = weight_field()

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["objective"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Objective.objects.filter(network=network).exclude(
            status=ObjectiveStatus.SET_ASIDE
        )
        for name in ("axis_referent", "line_referent", "responsible"):
            pick = self.fields[name]
            assert isinstance(pick, PersonPick)
            pick.bind(network)


class ResultForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResultKind.choices)
    description = forms.CharField(label=_("Result"), max_length=500)
    due_on = date_field(_("Due"), required=False)
    progress = percentage_field(_("Progress (%)"))
    weight = weight_field()

    def clean_progress(self) -> Decimal:
        value: Decimal | None = self.cleaned_data.get("progress")
        return Decimal(0) if value is None else value


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = LocalizedDecimalField(label=_("Baseline"), max_digits=14, decimal_places=2)
    target = LocalizedDecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    result = forms.ModelChoiceField(
        label=_("Result it measures"),
        queryset=Result.objects.none(),
        required=False,
        help_text=_("Empty: a general indicator of the project."),
    )
    weight = weight_field()

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["result"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Result.objects.filter(project=project)


class MeasurementForm(forms.Form):
    measured_on = date_field(_("Date"))
    value = LocalizedDecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MeasurementsImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of measurements (CSV or XLSX)"),
        help_text=_(
            "Columns: date, value and, optionally, note. Dates as 2026-03-31 or 31/03/2026."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:  # refused before it is read into memory
            intake.check_size(upload.size or 0, upload.name or "file")
        except intake.IntakeError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload
