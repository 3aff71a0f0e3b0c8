"""The mapping actions check their actor: only coordinators (or the system) import surveys."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied

from minga.core.models import AuditEntry, Organization
from minga.core.permissions import SYSTEM
from minga.mapping import actions
from minga.mapping.models import Response, Survey
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, small_form


@pytest.fixture
def data(tmp_path):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _import(world, actor, data, **extra):
    return actions.import_responses(
        actor=actor, network=world.network, name="mapeo", form=small_form(), data=data, **extra
    )


def assert_nothing_written(organizations: int) -> None:
    assert not Survey.objects.exists()
    assert not Response.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="survey.").exists()
    assert Organization.objects.count() == organizations


@pytest.mark.parametrize("persona", ["member", "treasurer", "protocol_officer", "outsider"])
@pytest.mark.parametrize("create_organizations", [False, True])
def test_import_by_someone_without_the_role_is_refused_and_writes_nothing(
    world, data, persona, create_organizations
):
    organizations = Organization.objects.count()
    with pytest.raises(PermissionDenied):
        _import(world, getattr(world, persona), data, create_organizations=create_organizations)
    assert_nothing_written(organizations)


def test_the_coordinator_and_the_system_may_import(world, data):
    assert _import(world, world.coordinator, data).created == 4
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.actor == world.coordinator and not entry.by_system
    assert Survey.objects.get().created_by == world.coordinator
    Survey.objects.all().delete()
    assert _import(world, SYSTEM, data).created == 4
    entry = AuditEntry.objects.filter(action="survey.create").latest("pk")
    assert entry.actor is None and entry.by_system
    assert Survey.objects.get().created_by is None


def test_the_system_does_not_create_organizations_on_import(world, data):
    organizations = Organization.objects.count()
    with pytest.raises(ValueError, match="person"):
        _import(world, SYSTEM, data, create_organizations=True)
    assert_nothing_written(organizations)
