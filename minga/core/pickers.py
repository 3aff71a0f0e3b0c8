"""Choosing one organization or person among thousands: a text box, never a <select>
holding the whole network.

The box suggests matches from the server as one types (htmx fills a <datalist>, at most
`SUGGESTIONS` rows), and works without JavaScript by typing the whole name (an
organization's name is unique in its network, whatever its case) or a person's user name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network, Organization, Person

SUGGESTIONS = 20


class PickWidget(forms.TextInput):
    template_name = "core/widgets/pick.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.suggestions_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = f"{widget['attrs'].get('id', name)}-options"
        widget["attrs"].update(
            {
                "list": options,
                "hx-get": self.suggestions_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{options}",
                "hx-sync": "this:replace",
            }
        )
        widget["options_id"] = options
        return context


class _PickField(forms.Field):
    widget = PickWidget
    url_name = ""
    none_message = _("Nothing in this network matches “%(value)s”.")

    def bind(self, network: Network) -> None:
        """Search within `network` (call from the form's __init__)."""
        self.network = network
        assert isinstance(self.widget, PickWidget)
        self.widget.suggestions_url = reverse(self.url_name, args=[network.slug])

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError

    def find(self, text: str) -> QuerySet[Any]:
        raise NotImplementedError

    def shown(self, row: Any) -> str:
        raise NotImplementedError

    def prepare_value(self, value: Any) -> Any:
        # An id (the form's initial) or a row, shown as what one would type.
        if isinstance(value, int):
            value = self.rows().filter(pk=value).first()
        return self.shown(value) if isinstance(value, self.rows().model) else value

    def clean(self, value: Any) -> Any:
        text = (value or "").strip()
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        found = self.find(text).first()
        if found is None:
            raise forms.ValidationError(self.none_message, code="pick", params={"value": text})
        return found


class OrganizationPick(_PickField):
    """One of the network's organizations, typed by name."""

    url_name = "pick_organizations"

    def rows(self) -> QuerySet[Organization]:
        return self.network.organizations.all()

    def find(self, text: str) -> QuerySet[Organization]:
        return self.rows().filter(name__iexact=text)

    def shown(self, row: Organization) -> str:
        return row.name


class PersonPick(_PickField):
    """One of the network's people, typed by user name."""

    url_name = "pick_people"

    def rows(self) -> QuerySet[Person]:
        return self.network.people.select_related("user")

    def find(self, text: str) -> QuerySet[Person]:
        return self.rows().filter(user__username__iexact=text)

    def shown(self, row: Person) -> str:
        return row.user.get_username()


def organization_suggestions(network: Network, text: str) -> list[tuple[str, str]]:
    """(value, description) of the first organizations whose name holds `text`."""
    rows = (
        network.organizations.filter(name__icontains=text.strip())
        .order_by("name")
        .values_list("name", "city")[:SUGGESTIONS]
    )
    return list(rows)


def person_suggestions(network: Network, text: str) -> list[tuple[str, str]]:
    """(user name, full name) of the first people whose user or full name holds `text`."""
    text = text.strip()
    rows = (
        network.people.filter(
            Q(user__username__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
        )
        .order_by("username")
        .values_list("user__username", "user__first_name", "user__last_name")[:SUGGESTIONS]
    )
    return [(username, f"{first} {last}".strip()) for username, first, last in rows]
