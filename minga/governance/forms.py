from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minga.core.l10n import PercentField, number
from minga.core.models import Network
from minga.core.pickers import OrganizationPick, PersonPick
from minga.governance.models import (
    POSITION_CHOICES,
    RULE_CHOICES,
    Circle,
    CircleKind,
    FilledBy,
    MandateRole,
    Matter,
    MemberKind,
    VotingUnit,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _quorum_hint() -> str:
    return gettext(
        "The percentage of voters who must take a position (abstaining counts), "
        "for example %(example)s. Empty: no quorum."
    ) % {"example": number(Decimal("37.5"), 1)}


# Written when the page is rendered, in the reader's language and number format.
quorum_hint = lazy(_quorum_hint, str)


def _count_field(label: _StrOrPromise, min_value: int) -> forms.IntegerField:
    """A whole number typed the reader's way ("1.200" in es, "1,200" in en)."""
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("What is proposed"), widget=forms.Textarea)
    rule = forms.ChoiceField(label=_("Decision rule"), choices=RULE_CHOICES)
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    circle: forms.ModelChoiceField[Circle] = forms.ModelChoiceField(
        label=_("Circle or working group"),
        queryset=Circle.objects.none(),
        required=False,
        empty_label=_("The whole network"),
    )
    voting_unit = forms.ChoiceField(label=_("Who takes a position"), choices=VotingUnit.choices)
    secret = forms.BooleanField(label=_("Secret positions"), required=False)
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    quorum = PercentField(label=_("Quorum (%)"), required=False, help_text=quorum_hint())

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["circle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = network.circles.all()


class PositionForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Your position"), choices=POSITION_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for an objection: say what would make it acceptable."),
    )


class AmendForm(forms.Form):
    text = forms.CharField(label=_("New text"), widget=forms.Textarea)
    note = forms.CharField(label=_("What changed and why"), required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class CircleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CircleKind.choices)
    name = forms.CharField(label=_("Name"), max_length=150)
    parent: forms.ModelChoiceField[Circle] = forms.ModelChoiceField(
        label=_("Reports to"), queryset=Circle.objects.none(), required=False, empty_label="—"
    )
    objectives = forms.CharField(
        label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    activities = forms.CharField(
        label=_("Activities"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    can_decide = forms.BooleanField(label=_("Decides"), required=False, initial=True)
    can_execute = forms.BooleanField(label=_("Executes"), required=False, initial=True)
    can_evaluate = forms.BooleanField(label=_("Evaluates"), required=False, initial=True)
    member_kind = forms.ChoiceField(label=_("Members are"), choices=MemberKind.choices)
    mandate_months = _count_field(_("Mandate length (months)"), 1)
    renewable = forms.BooleanField(label=_("Mandates can be renewed"), required=False, initial=True)
    max_renewals = _count_field(_("How many times a mandate can be renewed"), 0)
    filled_by = forms.ChoiceField(label=_("Filled by"), choices=FilledBy.choices)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = network.circles.all()


class AppointForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MandateRole.choices)
    person = PersonPick(label=_("Person"), required=False)
    organization = OrganizationPick(label=_("Organization"), required=False)
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm = forms.BooleanField(label=_("Go ahead even if a double link breaks"), required=False)

    def __init__(self, *args: Any, network: Network, organizations: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        organization = self.fields["organization"]
        assert isinstance(person, PersonPick)
        assert isinstance(organization, OrganizationPick)
        person.bind(network)
        organization.bind(network)
        if not organizations:
            del self.fields["organization"]


class CoordinatingOrganizationForm(forms.Form):
    coordinating_organization = OrganizationPick(
        label=_("Organization in charge of general coordination"),
        required=False,
        help_text=_("Its position breaks ties on operational matters decided by majority."),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coordinating_organization"]
        assert isinstance(field, OrganizationPick)
        field.bind(network)


class NominationForm(forms.Form):
    nominee = PersonPick(label=_("Nominee"))
    reason = forms.CharField(label=_("Why this person"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nominee"]
        assert isinstance(field, PersonPick)
        field.bind(network)
