"""The admin, for platform administrators. Writes with rules go through actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from minga.core import actions
from minga.core.models import ApiToken, AuditEntry, Network, Organization, Person, User


@admin.register(User)
class MingaUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Minga", {"fields": ("language",)}))


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
        data = {field: form.cleaned_data[field] for field in actions.NETWORK_FIELDS}
        assert isinstance(request.user, User)
        if change:
            actions.update_network(actor=request.user, network=obj, **data)
        else:
            created = actions.create_network(actor=request.user, slug=obj.slug, **data)
            obj.pk = created.pk


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
        data = {field: form.cleaned_data[field] for field in actions.ORGANIZATION_FIELDS}
        assert isinstance(request.user, User)
        if change:
            actions.update_organization(actor=request.user, organization=obj, **data)
        else:
            created = actions.create_organization(
                actor=request.user, network=form.cleaned_data["network"], **data
            )
            obj.pk = created.pk


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("user", "network", "organization")
    list_filter = ("network",)
    list_select_related = ("user", "network", "organization")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "target_repr", "network")
    list_filter = ("action", "network")
    list_select_related = ("actor", "network")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
