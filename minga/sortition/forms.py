from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.core import intake
from minga.core.models import Network
from minga.governance.models import Circle, MemberKind
from minga.sortition.actions import ORGANIZATION_FEATURES, PEOPLE_FEATURES
from minga.sortition.labels import FEATURE_LABELS
from minga.sortition.models import Algorithm

# A pool of people and quotas: far below the intake's general upload limit.
MAX_UPLOAD = 5 * 1024 * 1024


class DrawForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    circle = forms.ModelChoiceField(
        label=_("Body whose seats are drawn"),
        queryset=Circle.objects.none(),
        required=False,
        empty_label=_("None: a panel outside the structure"),
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1000)
    pool_kind = forms.ChoiceField(label=_("Pool of"), choices=MemberKind.choices)
    features = forms.MultipleChoiceField(
        label=_("Features for quotas (pool from the directory)"),
        choices=[
            (f, FEATURE_LABELS[f]) for f in dict.fromkeys(PEOPLE_FEATURES + ORGANIZATION_FEATURES)
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "People: country, organization size and type, language, theme. "
            "Organizations: country, size, type."
        ),
    )
    group_by = forms.ChoiceField(
        label=_("At most one per"),
        choices=[("", _("nobody: no grouping")), ("organization", _("organization"))],
        required=False,
    )
    algorithm = forms.ChoiceField(label=_("Algorithm"), choices=Algorithm.choices)
    people_csv = forms.FileField(
        label=_("people.csv (optional)"),
        required=False,
        help_text=_(
            "One row per person and one column per feature, with a column of ids. A file of "
            "nothing but feature columns has its people numbered 0, 1, 2, ... in file order. "
            "At most 5 MB."
        ),
    )
    features_csv = forms.FileField(
        label=_("features.csv (optional)"),
        required=False,
        help_text=_(
            "Columns feature, value, min, max (min_flex and max_flex may follow), as the "
            "Sortition Foundation writes it, or category, feature, min, max, as in the "
            "replication data of Flanigan et al. At most 5 MB."
        ),
    )
    csv_id_column = forms.CharField(
        label=_("Id column of people.csv (optional)"),
        max_length=255,
        required=False,
        help_text=_("For example nationbuilder_id. Empty: the column named id."),
    )
    csv_group_by = forms.CharField(
        label=_("Grouping columns of people.csv (optional)"),
        max_length=255,
        required=False,
        help_text=_(
            "At most one person is drawn per value of this column, or, for several columns "
            "separated by commas, per household: primary_address1,primary_zip."
        ),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        circle_field = self.fields["circle"]
        assert isinstance(circle_field, forms.ModelChoiceField)
        circle_field.queryset = network.circles.all()

    def _data(self, name: str) -> bytes | None:
        """The upload's bytes; the action decodes them through the intake."""
        upload = self.cleaned_data.get(name)
        if upload is None:
            return None
        try:
            limit = min(MAX_UPLOAD, intake.max_upload_bytes())
            intake.check_size(upload.size, upload.name or name, limit)
        except intake.IntakeError as exc:
            self.add_error(name, exc.message)
            return None
        return bytes(upload.read())

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        people, features = self._data("people_csv"), self._data("features_csv")
        csv = people is not None or features is not None
        return {
            "title": data["title"],
            "seats": data["seats"],
            "pool_kind": data["pool_kind"],
            "circle": data["circle"],
            "features": data["features"],
            "group_by": (data["csv_group_by"].strip() if csv else data["group_by"]) or "",
            "algorithm": data["algorithm"],
            "people_csv": people,
            "features_csv": features,
            "id_column": data["csv_id_column"].strip() if csv else "",
        }


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("Public seed"),
        max_length=200,
        help_text=_(
            "Announced after publication: a number called out in a meeting, "
            "a public lottery's result."
        ),
    )
    note = forms.CharField(label=_("Where the seed comes from"), max_length=300, required=False)


class LotteryForm(forms.Form):
    panels = forms.IntegerField(
        label=_("Numbered panels"),
        min_value=10,
        max_value=10_000,
        initial=1000,
        help_text=_("1,000 panels are numbered 000 to 999: three ten-sided dice draw one."),
    )


class AlternatesForm(forms.Form):
    alternates = forms.IntegerField(
        label=_("Alternates"),
        min_value=1,
        max_value=8,
        initial=6,
        help_text=_("People on standby who take the seats of those who do not come."),
    )


class NumberForm(forms.Form):
    number = forms.IntegerField(label=_("Number drawn"), min_value=0)
    note = forms.CharField(label=_("How it was drawn"), max_length=300, required=False)
