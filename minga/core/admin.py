"""The admin, for platform administrators.

Every change it allows goes through an action, so it is checked and audited like the
same change made on a page or through the API; what no action covers is switched off
(accounts are opened by invitation, passwords change by the reset link, the audit log
is only read).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from minga.core import actions
from minga.core.models import ApiToken, AuditEntry, Network, Organization, Person, User


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Nothing added or changed here; deleting, where allowed, goes through an action."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class MingaUserAdmin(UserAdmin):  # type: ignore[type-arg]
    # No password field (nor its change page): a password changes through the person's
    # reset link, never here. No groups or permissions: Minga's roles live in networks.
    fieldsets = (
        (None, {"fields": ("username", *actions.ACCOUNT_FIELDS, "last_login", "date_joined")}),
    )
    readonly_fields = ("username", "last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts open by invitation, by adding a person to a network, or with
        # `minga createsuperuser`.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account is deactivated (is_active), which keeps its history readable.
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        raise PermissionDenied

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        actions.update_account(actor=_actor(request), user=obj, **changes)

    def save_related(
        self, request: HttpRequest, form: ModelForm[User], formsets: Any, change: bool
    ) -> None:
        """Nothing related is edited here (no groups, no permissions)."""


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin[Network]):
    list_display = ("slug", "name", "model", "created_at")
    search_fields = ("slug", "name")
    fields = ("slug", "name", "description", "model", "languages")

    def get_readonly_fields(self, request: HttpRequest, obj: Network | None = None) -> Any:
        return ("slug",) if obj else ()

    def save_model(
        self, request: HttpRequest, obj: Network, form: ModelForm[Network], change: bool
    ) -> None:
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data}
            actions.update_network(actor=_actor(request), network=obj, **changes)
        else:
            data = {field: form.cleaned_data[field] for field in self.fields if field != "slug"}
            created = actions.create_network(actor=_actor(request), slug=obj.slug, **data)
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Network) -> None:
        actions.delete_network(actor=_actor(request), network=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Network]) -> None:
        for network in queryset:
            actions.delete_network(actor=_actor(request), network=network)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "network", "country", "city", "size")
    list_filter = ("network", "size", "type")
    search_fields = ("name", "city")
    list_select_related = ("network",)
    fields = ("network", *actions.ORGANIZATION_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Organization | None = None) -> Any:
        return ("network",) if obj else ()

    def save_model(
        self, request: HttpRequest, obj: Organization, form: ModelForm[Organization], change: bool
    ) -> None:
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data}
            actions.update_organization(actor=_actor(request), organization=obj, **changes)
        else:
            data = {field: form.cleaned_data[field] for field in actions.ORGANIZATION_FIELDS}
            created = actions.create_organization(
                actor=_actor(request), network=form.cleaned_data["network"], **data
            )
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Organization) -> None:
        actions.delete_organization(actor=_actor(request), organization=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for organization in queryset.select_related("network"):
            actions.delete_organization(actor=_actor(request), organization=organization)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """Roles and organizations change on the network's people page; removal is here too."""

    list_display = ("user", "network", "organization")
    list_filter = ("network",)
    list_select_related = ("user", "network", "organization")

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        actions.remove_person(actor=_actor(request), person=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset.select_related("network", "user"):
            actions.remove_person(actor=_actor(request), person=person)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued to their holder (or by `minga createtoken`); here they are revoked."""

    list_display = ("user", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        actions.revoke_token(actor=_actor(request), token=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            actions.revoke_token(actor=_actor(request), token=token)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "by_system", "action", "target_repr", "network")
    list_filter = ("action", "by_system", "network")
    list_select_related = ("actor", "network")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
