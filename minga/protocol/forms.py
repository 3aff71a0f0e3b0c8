from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.protocol.models import PRINCIPLES, CaseKind, CaseState, TextKind


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened, in a word"), choices=CaseKind.choices)
    account = forms.CharField(
        label=_("Tell us what happened"),
        help_text=_(
            "Once: the team works from what you write here and will not ask you to tell "
            "it again. Only the network's protocol officers can read it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously (your name is not recorded)"), required=False
    )
    contact_email = forms.EmailField(
        label=_("Email me when there is news (optional)"),
        help_text=_("The email only says that there is news, never what it is."),
        required=False,
    )


class PublicReportForm(ReportForm):
    """From the public page: always anonymous."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["anonymous"]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        help_text=_("The digits you were given when you reported (spaces are fine)."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReceiptMessageForm(ReceiptForm):
    message = forms.CharField(
        label=_("Write to the protocol team"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget = forms.HiddenInput()


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Reply to the person who reported"), widget=forms.Textarea(attrs={"rows": 4})
    )


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), choices=CaseState.choices)
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(forms.Form):
    measure = forms.CharField(
        label=_("Measure agreed"),
        help_text=_(
            "A mediation, a suspension from an activity, a referral to specialised services…"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChecklistForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("The five principles on this case"),
        choices=PRINCIPLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"))


class SettingsForm(forms.Form):
    anonymous_channel = forms.BooleanField(
        label=_("Take anonymous reports from a public page, without an account"), required=False
    )
    retention_days = forms.IntegerField(
        label=_("Days a closed case is kept before it is purged"), min_value=1, max_value=3650
    )
    outside_help = forms.CharField(
        label=_("Where to turn outside the network (specialised services)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class TextForm(forms.Form):
    kind = forms.ChoiceField(label=_("Text"), choices=TextKind.choices)
    body_es = forms.CharField(
        label=_("In Spanish"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    body_pt_br = forms.CharField(
        label=_("In Portuguese"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    body_en = forms.CharField(
        label=_("In English"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class RecoverForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput())
    recovery_key = forms.CharField(
        label=_("The network's recovery key, as printed"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class GrantForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput())
