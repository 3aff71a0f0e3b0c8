"""The organization directory, the people list and the audit log as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
from django.utils import timezone

from minga.core import actions
from minga.core.models import AuditEntry


def _csv(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _xlsx(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_organization_directory_exports_labels_and_names_in_the_readers_language(world, client_as):
    client = client_as(world.member, "es")
    rows = _csv(client.get("/n/red/organizations/?export=csv"))
    assert rows[0][:6] == ["Nombre", "País", "Ciudad", "Tipo", "Tamaño", "Temas"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Instituto B"][1] == "Brasil"
    assert by_name["Fundación A"][4] == "Pequeña"
    assert by_name["Fundación A"][3] == "Organización no gubernamental"
    sheet = _xlsx(client.get("/n/red/organizations/?export=xlsx"))
    assert sheet[0][1] == "País" and len(sheet) == 3


def test_organization_export_applies_the_pages_filters(world, client_as):
    client = client_as(world.member)
    rows = _csv(client.get("/n/red/organizations/?country=BR&export=csv"))
    assert [row[0] for row in rows[1:]] == ["Instituto B"]
    page = client.get("/n/red/organizations/?country=BR").content.decode()
    assert "?country=BR&amp;export=csv" in page and "Download as CSV" in page


def test_export_neutralizes_formulas(world, client_as):
    actions.create_organization(
        actor=world.coordinator, network=world.network, name="=HYPERLINK(1)", country="AR"
    )
    rows = _csv(client_as(world.member).get("/n/red/organizations/?export=csv"))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


def test_people_export_with_roles_by_label_and_filters(world, client_as):
    client = client_as(world.member, "pt-br")
    rows = _csv(client.get("/n/red/people/?export=csv"))
    assert len(rows[0]) == 5 and rows[0][0] == "Nome" and rows[0][3] == "País"
    by_user = {row[1]: row for row in rows[1:]}
    assert "treasurer" not in by_user["tiago"][4] and by_user["tiago"][3] == "Brasil"
    rows = _csv(client.get("/n/red/people/?role=treasurer&export=csv"))
    assert [row[1] for row in rows[1:]] == ["tiago"]
    assert _xlsx(client.get("/n/red/people/?export=xlsx"))[0][1] == rows[0][1]


def test_audit_export_is_for_coordinators_and_follows_the_filters(world, client_as):
    old = AuditEntry.objects.filter(network=world.network).first()
    assert old is not None
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    client = client_as(world.coordinator)
    rows = _csv(client.get("/n/red/audit/?export=csv"))
    assert rows[0] == ["When", "Who", "Event", "What happened"]
    assert len(rows) - 1 == AuditEntry.objects.filter(network=world.network).count()
    rows = _csv(client.get("/n/red/audit/?action=organization.create&export=csv"))
    assert len(rows) == 3 and all("added the organization" in row[3] for row in rows[1:])
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    rows = _csv(client.get(f"/n/red/audit/?since={since}&export=csv"))
    assert len(rows) - 1 == AuditEntry.objects.filter(network=world.network).count() - 1
    rows = _csv(client.get("/n/red/audit/?actor=mateo&export=csv"))
    assert rows[1:] == []
    sheet = _xlsx(client.get("/n/red/audit/?action=person.add&export=xlsx"))
    assert len(sheet) == 5 and sheet[1][1] == "carolina"
    page = client.get("/n/red/audit/?action=person.add").content.decode()
    assert page.count("added mateo") + page.count("«mateo»") >= 1
    assert "Instituto B" not in page.split("</form>")[-1]


def test_exports_keep_the_pages_permissions(world, client_as):
    member = client_as(world.member)
    assert member.get("/n/red/audit/?export=csv").status_code == 403
    assert member.get("/n/red/people/?export=xlsx").status_code == 200
    outsider = client_as(world.outsider)
    for url in ("organizations", "people", "audit"):
        assert outsider.get(f"/n/red/{url}/?export=csv").status_code == 404


def test_api_audit_takes_the_same_filters(world, api_as):
    api = api_as(world.coordinator)
    everything = api.get("/networks/red/audit").json()
    only = api.get("/networks/red/audit", action="organization.create").json()
    assert 0 < only["count"] < everything["count"]
    assert {item["action"] for item in only["items"]} == {"organization.create"}
    assert api.get("/networks/red/audit", actor="mateo").json()["count"] == 0
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert api.get("/networks/red/audit", since=tomorrow).json()["count"] == 0
    assert api.get("/networks/red/audit", until=tomorrow).json()["count"] == everything["count"]
