from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.core.forms import country_choices
from minga.core.models import Network, Person
from minga.core.text import comma_list
from minga.reach.models import AUDIENCE_KIND_CHOICES, ActionStatus, CharterVersion


class CharterForm(forms.ModelForm[CharterVersion]):
    class Meta:
        model = CharterVersion
        fields = ["context", "purpose", "objective", "audience"]
        widgets = {field: forms.Textarea(attrs={"rows": 4}) for field in fields}


class AudienceForm(forms.Form):
    member_kinds = forms.MultipleChoiceField(
        label=_("Who can be a member"),
        choices=AUDIENCE_KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=country_choices,  # a callable: the names in the reader's language
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "On a computer, hold Ctrl (⌘ on a Mac) to choose more than one. "
            "None chosen: any country."
        ),
    )
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        help_text=_("Separated by commas. A member must work on at least one. Empty: any theme."),
    )
    statements = forms.CharField(
        label=_("Statements every member must accept"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. We work without party affiliation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = set(self.initial.get("countries") or ())
        if chosen:
            # The countries already chosen come first, so the list shows them.
            field = self.fields["countries"]
            assert isinstance(field, forms.MultipleChoiceField)
            names = country_choices()
            field.choices = [c for c in names if c[0] in chosen] + [
                c for c in names if c[0] not in chosen
            ]

    def lists(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "member_kinds": data["member_kinds"],
            "countries_": list(data["countries"]),
            "themes": comma_list(data["themes"]),
            "statements": [s.strip() for s in data["statements"].splitlines() if s.strip()],
        }


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = network.people.select_related("user")
