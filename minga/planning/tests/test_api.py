"""The planning API as its callers rely on it: who may do what (an outsider sees nothing,
members contribute trends, notes and objectives and cast their organization's ballot,
coordinators keep the basis and the projects, a project's responsible records its
measurements), the SWOT board's refusal of a stale edit, one ballot per organization, the
all-or-nothing measurements import, and progress rolled up from the measurements."""

from __future__ import annotations

import base64
import itertools
import types
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from minga.core.models import Person
from minga.core.pdf import PdfUnavailable
from minga.core.testing import assert_queries_flat
from minga.planning import actions
from minga.planning.models import (
    Ballot,
    Basis,
    Measurement,
    Objective,
    PestelFactor,
    Pillar,
    ProgrammaticProject,
    SwotItem,
)

BASE = "/networks/red/planning"


def _delete(api: Any, path: str) -> Any:
    return api.client.delete(f"/api/v1{path}", headers=api.headers)


def _person(world: Any, user: Any) -> Person:
    return Person.objects.get(network=world.network, user=user)


@pytest.fixture
def plan(world: Any) -> dict[str, Any]:
    """A pillar, two objectives and a project whose responsible is Mateo (a member of
    Fundación A), with one indicator going from 0 to 200."""
    pillar = actions.save_pillar(
        actor=world.coordinator,
        network=world.network,
        name="Diverse Democracy",
        stakeholder="community",
    )
    objective = actions.save_objective(
        actor=world.coordinator, network=world.network, pillar=pillar, title="Include youth"
    )
    other = actions.save_objective(
        actor=world.coordinator, network=world.network, pillar=pillar, title="Open data"
    )
    project = actions.save_project(
        actor=world.coordinator,
        network=world.network,
        objective=objective,
        title="Youth councils",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=365),
        responsible=_person(world, world.member).pk,
    )
    indicator = actions.save_indicator(
        actor=world.coordinator,
        project=project,
        name="Councils set up",
        baseline=Decimal(0),
        target=Decimal(200),
    )
    return {
        "pillar": pillar,
        "objective": objective,
        "other": other,
        "project": project,
        "indicator": indicator,
    }


# Who may do what ---------------------------------------------------------------------------


def test_an_outsider_finds_no_plan_and_an_anonymous_caller_must_sign_in(world, api_as, plan):
    paths = [
        f"{BASE}/pestel",
        f"{BASE}/swot",
        f"{BASE}/basis",
        f"{BASE}/objectives",
        f"{BASE}/projects",
        f"{BASE}/projects/{plan['project'].pk}",
        f"{BASE}/indicators/{plan['indicator'].pk}/measurements",
        f"{BASE}/progress",
    ]
    outsider, anonymous, member = api_as(world.outsider), api_as(None), api_as(world.member)
    for path in paths:
        assert member.get(path).status_code == 200, path
        assert outsider.get(path).status_code == 404, path
        assert anonymous.get(path).status_code == 401, path
    written = outsider.post(f"{BASE}/pestel", {"category": "social", "trend": "Ageing"})
    assert written.status_code == 404
    assert not PestelFactor.objects.exists()


def test_another_networks_objects_are_not_found(world, api_as, plan):
    """An id of the red network read through the outsider's own network is a 404."""
    outsider = api_as(world.outsider)
    for path in (
        f"/networks/otra/planning/projects/{plan['project'].pk}",
        f"/networks/otra/planning/indicators/{plan['indicator'].pk}",
        f"/networks/otra/planning/objectives/{plan['objective'].pk}",
    ):
        assert outsider.get(path).status_code == 404, path


def test_members_add_trends_notes_and_objectives(world, api_as, plan):
    member = api_as(world.member)
    trend = member.post(
        f"{BASE}/pestel",
        {
            "category": "technological",
            "trend": "Mobile internet reaches rural areas",
            "probability": 4,
            "impact": "high",
        },
    )
    assert trend.status_code == 201, trend.content
    assert trend.json()["my_rating"] == {"probability": 4, "impact": "high"}
    assert trend.json()["priority"] == 12.0
    note = member.post(
        f"{BASE}/swot",
        {"quadrant": "opportunity", "text": "Cheap phones", "trends": [trend.json()["id"]]},
    )
    assert note.status_code == 201, note.content
    assert note.json()["trends"] == [trend.json()["id"]]
    objective = member.post(
        f"{BASE}/objectives", {"pillar": plan["pillar"].pk, "title": "Reach rural youth"}
    )
    assert objective.status_code == 201, objective.content
    assert objective.json()["status"] == "listed"
    # ...but only coordinators weigh objectives or set their status.
    weighed = member.patch(f"{BASE}/objectives/{objective.json()['id']}", {"weight": 5})
    assert weighed.status_code == 403
    assert Objective.objects.get(pk=objective.json()["id"]).weight == 1


def test_a_member_changes_only_what_they_added(world, api_as):
    member, other = api_as(world.member), api_as(world.other_member)
    trend = member.post(f"{BASE}/pestel", {"category": "legal", "trend": "New NGO law"}).json()
    assert other.patch(f"{BASE}/pestel/{trend['id']}", {"trend": "Mine now"}).status_code == 403
    assert _delete(other, f"{BASE}/pestel/{trend['id']}").status_code == 403
    assert member.patch(f"{BASE}/pestel/{trend['id']}", {"trend": "NGO law"}).status_code == 200
    assert PestelFactor.objects.get().trend == "NGO law"
    assert _delete(api_as(world.coordinator), f"{BASE}/pestel/{trend['id']}").status_code == 204
    assert not PestelFactor.objects.exists()


def test_members_cannot_manage_the_basis_or_the_projects(world, api_as, plan):
    member = api_as(world.member)
    texts = {"mission": "M", "vision": "V", "purpose": "P", "values": "W"}
    refused = [
        member.put(f"{BASE}/basis", texts),
        member.patch(f"{BASE}/basis", {"mission": "M"}),
        member.post(f"{BASE}/basis/template"),
        member.post(f"{BASE}/basis/pillars", {"name": "Mine"}),
        member.patch(f"{BASE}/basis/pillars/{plan['pillar'].pk}", {"name": "Mine"}),
        member.post(
            f"{BASE}/projects",
            {
                "objective": plan["objective"].pk,
                "title": "Mine",
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
            },
        ),
        member.patch(f"{BASE}/projects/{plan['project'].pk}", {"title": "Mine"}),
        _delete(member, f"{BASE}/projects/{plan['project'].pk}"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert not Basis.objects.filter(network=world.network).exclude(mission="").exists()
    assert list(Pillar.objects.values_list("name", flat=True)) == ["Diverse Democracy"]
    assert list(ProgrammaticProject.objects.values_list("title", flat=True)) == ["Youth councils"]


def test_the_projects_responsible_records_measurements_and_others_do_not(world, api_as, plan):
    path = f"{BASE}/indicators/{plan['indicator'].pk}/measurements"
    measurement = {"date": "2026-03-31", "value": "50.5", "note": "First quarter"}
    refused = api_as(world.other_member).post(path, measurement)
    assert refused.status_code == 403
    assert not Measurement.objects.exists()
    recorded = api_as(world.member).post(path, measurement)
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["value"] == "50.50"
    assert recorded.json()["date"] == "2026-03-31"
    assert recorded.json()["recorded_by"] == "mateo"
    # Measured again that day: replaced, not added.
    again = api_as(world.member).post(path, {**measurement, "value": "60"})
    assert again.status_code == 201
    listed = api_as(world.other_member).get(path).json()
    assert [(m["date"], m["value"]) for m in listed["items"]] == [("2026-03-31", "60.00")]
    assert _delete(api_as(world.other_member), f"{path}/{again.json()['id']}").status_code == 403
    assert _delete(api_as(world.member), f"{path}/{again.json()['id']}").status_code == 204
    assert not Measurement.objects.exists()


# The SWOT board ----------------------------------------------------------------------------


def test_a_stale_swot_edit_is_refused_with_the_item_as_it_now_reads(world, api_as):
    member, other = api_as(world.member), api_as(world.other_member)
    item = member.post(f"{BASE}/swot", {"quadrant": "strength", "text": "Trust"}).json()
    assert item["version"] == 1
    first = other.patch(f"{BASE}/swot/{item['id']}", {"version": 1, "text": "Mutual trust"})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    stale = member.patch(f"{BASE}/swot/{item['id']}", {"version": 1, "text": "Deep trust"})
    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert "changed this item" in body["detail"]
    assert body["current"]["text"] == "Mutual trust"
    assert body["current"]["version"] == 2
    assert body["current"]["updated_by"] == "ana"
    assert SwotItem.objects.get().text == "Mutual trust"
    # From the version now shown, the edit goes through.
    merged = member.patch(f"{BASE}/swot/{item['id']}", {"version": 2, "text": "Deep mutual trust"})
    assert merged.status_code == 200
    assert SwotItem.objects.get().text == "Deep mutual trust"


def test_the_board_lists_quadrants_weighs_items_and_its_stamp_follows_changes(world, api_as):
    member, other = api_as(world.member), api_as(world.other_member)
    light = member.post(f"{BASE}/swot", {"quadrant": "weakness", "text": "Few funds"}).json()
    heavy = member.post(f"{BASE}/swot", {"quadrant": "weakness", "text": "No staff"}).json()
    before = member.get(f"{BASE}/swot/stamp").json()["stamp"]
    assert other.put(f"{BASE}/swot/{heavy['id']}/weight", {"weight": 5}).status_code == 200
    weighed = member.put(f"{BASE}/swot/{heavy['id']}/weight", {"weight": 3}).json()
    assert (weighed["weight_total"], weighed["weights_count"], weighed["my_weight"]) == (8, 2, 3)
    board = member.get(f"{BASE}/swot").json()
    assert board["stamp"] != before
    assert set(board["quadrants"]) == {"strength", "weakness", "opportunity", "threat"}
    assert [i["id"] for i in board["quadrants"]["weakness"]] == [heavy["id"], light["id"]]
    assert member.put(f"{BASE}/swot/{light['id']}/weight", {"weight": 6}).status_code == 422


def test_strengths_link_no_trends(world, api_as):
    member = api_as(world.member)
    trend = member.post(f"{BASE}/pestel", {"category": "social", "trend": "Ageing"}).json()
    answer = member.post(
        f"{BASE}/swot", {"quadrant": "strength", "text": "Trust", "trends": [trend["id"]]}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "trends"
    assert not SwotItem.objects.exists()


# PESTEL -------------------------------------------------------------------------------------


def test_trends_are_listed_by_priority_with_the_callers_rating(world, api_as):
    member, other = api_as(world.member), api_as(world.other_member)
    low = member.post(
        f"{BASE}/pestel",
        {"category": "economic", "trend": "Inflation", "probability": 2, "impact": "low"},
    ).json()
    high = member.post(
        f"{BASE}/pestel",
        {"category": "political", "trend": "Elections", "probability": 5, "impact": "high"},
    ).json()
    rated = other.put(f"{BASE}/pestel/{high['id']}/rating", {"probability": 3, "impact": "medium"})
    assert rated.status_code == 200, rated.content
    # Mean probability 4, mean impact weight 2.5: the nearer level of a tie is the higher.
    assert (rated.json()["probability"], rated.json()["impact_weight"]) == (4.0, 2.5)
    assert (rated.json()["impact"], rated.json()["priority"], rated.json()["ratings"]) == (
        "high",
        10.0,
        2,
    )
    listed = other.get(f"{BASE}/pestel").json()
    assert [f["id"] for f in listed["items"]] == [high["id"], low["id"]]
    assert listed["items"][0]["my_rating"] == {"probability": 3, "impact": "medium"}
    assert listed["items"][1]["my_rating"] is None
    assert listed["items"][0]["category_label"] == "Political"
    political = other.get(f"{BASE}/pestel", category="political").json()
    assert [f["id"] for f in political["items"]] == [high["id"]]
    bad = other.put(f"{BASE}/pestel/{high['id']}/rating", {"probability": 9, "impact": "huge"})
    assert bad.status_code == 422
    assert PestelFactor.objects.get(pk=high["id"]).ratings_count == 2


# The basis ----------------------------------------------------------------------------------


def test_the_basis_starts_from_the_charter_and_keeps_its_history(world, api_as):
    coordinator = api_as(world.coordinator)
    charter = {"purpose": "Renew democracy together", "objective": "Diverse democracies"}
    assert coordinator.put("/networks/red/charter", charter).status_code == 200
    start = coordinator.get(f"{BASE}/basis").json()
    assert start["version"] == 0 and start["mission"] == ""
    assert start["start"]["purpose"] == "Renew democracy together"
    assert start["start"]["vision"] == "Diverse democracies"
    texts = {"mission": "Connect", "vision": "A region", "purpose": "Together", "values": "Care"}
    saved = coordinator.put(f"{BASE}/basis", texts)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1
    coordinator.patch(f"{BASE}/basis", {"values": "Care, trust"})
    pillar = coordinator.post(
        f"{BASE}/basis/pillars", {"name": "Innovative Democracy", "stakeholder": "alliances"}
    )
    assert pillar.status_code == 201, pillar.content
    assert pillar.json()["stakeholder_label"] == "Alliances"
    history = api_as(world.member).get(f"{BASE}/basis/history").json()["items"]
    assert [(v["number"], v["changed"], v["author"]) for v in history] == [
        (3, ["pillars"], "carolina"),
        (2, ["values"], "carolina"),
        (1, ["mission", "vision", "purpose", "values"], "carolina"),
    ]
    assert history[0]["snapshot"]["pillars"][0]["name"] == "Innovative Democracy"
    assert history[1]["snapshot"]["values"] == "Care, trust"


def test_the_methods_template_fills_an_empty_basis_with_three_pillars(world, api_as):
    basis = api_as(world.coordinator).post(f"{BASE}/basis/template").json()
    assert basis["mission"] and basis["values"]
    assert [p["name"] for p in basis["pillars"]] == [
        "Diverse Democracy",
        "Environmental Democracy",
        "Innovative Democracy",
    ]


def test_a_pillar_with_objectives_is_not_deleted(world, api_as, plan):
    coordinator = api_as(world.coordinator)
    answer = _delete(coordinator, f"{BASE}/basis/pillars/{plan['pillar'].pk}")
    assert answer.status_code == 422
    assert "Objectives answer this pillar" in answer.json()["detail"][0]["msg"]
    assert Pillar.objects.filter(pk=plan["pillar"].pk).exists()


# Prioritization -------------------------------------------------------------------------------


def _open_round(world: Any, api_as: Any, plan: dict[str, Any]) -> dict[str, Any]:
    pillar = plan["pillar"]
    for title in ("Train referents", "Publish a yearbook"):
        actions.save_objective(
            actor=world.coordinator, network=world.network, pillar=pillar, title=title
        )
    opened = api_as(world.coordinator).post(
        f"{BASE}/prioritizations",
        {
            "title": "2027",
            "closes_at": (timezone.now() + timedelta(days=7)).isoformat(),
            "adopt": 3,
            "dots": 5,
        },
    )
    assert opened.status_code == 201, opened.content
    found: dict[str, Any] = opened.json()
    return found


def test_one_ballot_per_organization_cast_again_replaces_it(world, api_as, plan):
    round_ = _open_round(world, api_as, plan)
    path = f"{BASE}/prioritizations/{round_['id']}"
    youth, data = plan["objective"].pk, plan["other"].pk
    first = api_as(world.member).put(f"{path}/ballot", {"marks": {str(youth): 5}})
    assert first.status_code == 200, first.content
    assert first.json()["my_ballot"] == {str(youth): 5}
    # Paula represents the same organization (Fundación A): her ballot replaces Mateo's.
    replaced = api_as(world.protocol_officer).put(
        f"{path}/ballot", {"marks": {str(data): 3, str(youth): 2}}
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["ballots_count"] == 1
    assert api_as(world.member).get(path).json()["my_ballot"] == {str(youth): 2, str(data): 3}
    assert (
        api_as(world.other_member)
        .put(f"{path}/ballot", {"marks": {str(data): 4}})
        .json()["ballots_count"]
        == 2
    )
    assert Ballot.objects.filter(organization=world.org_a).count() == 1
    # Standings stay hidden while the round is open, so early ballots steer nobody.
    assert api_as(world.member).get(path).json()["standings"] == []


def test_a_ballot_over_the_dots_is_refused_and_keeps_the_previous_one(world, api_as, plan):
    round_ = _open_round(world, api_as, plan)
    path = f"{BASE}/prioritizations/{round_['id']}/ballot"
    youth, data = plan["objective"].pk, plan["other"].pk
    member = api_as(world.member)
    assert member.put(path, {"marks": {str(youth): 2}}).status_code == 200
    answer = member.put(path, {"marks": {str(youth): 4, str(data): 4}})
    assert answer.status_code == 422
    assert "at most" in answer.json()["detail"][0]["msg"]
    assert member.get(f"{BASE}/prioritizations/{round_['id']}").json()["my_ballot"] == {
        str(youth): 2
    }


def test_members_cannot_close_or_adopt_and_closing_shows_the_standings(world, api_as, plan):
    round_ = _open_round(world, api_as, plan)
    path = f"{BASE}/prioritizations/{round_['id']}"
    listed = Objective.objects.order_by("pk").values_list("pk", flat=True)
    api_as(world.member).put(f"{path}/ballot", {"marks": {str(listed[2]): 3, str(listed[0]): 2}})
    api_as(world.other_member).put(
        f"{path}/ballot", {"marks": {str(listed[2]): 1, str(listed[1]): 4}}
    )
    assert api_as(world.member).post(f"{path}/close").status_code == 403
    closed = api_as(world.coordinator).post(f"{path}/close")
    assert closed.status_code == 200, closed.content
    standings = closed.json()["standings"]
    assert [(s["objective"], s["score"], s["chosen"]) for s in standings[:3]] == [
        (listed[2], 4, True),
        (listed[1], 4, True),
        (listed[0], 2, True),
    ]
    assert api_as(world.member).post(f"{path}/adopt").status_code == 403
    adopted = api_as(world.coordinator).post(f"{path}/adopt")
    assert adopted.status_code == 200, adopted.content
    assert [o["id"] for o in adopted.json()["objectives"]] == [listed[2], listed[1], listed[0]]
    ranked = api_as(world.member).get(f"{BASE}/objectives", status="adopted").json()["items"]
    assert [(o["id"], o["rank"]) for o in ranked] == [
        (listed[2], 1),
        (listed[1], 2),
        (listed[0], 3),
    ]


def test_a_closing_time_without_offset_is_refused(world, api_as, plan):
    answer = api_as(world.coordinator).post(
        f"{BASE}/prioritizations", {"title": "X", "closes_at": "2099-01-01T10:00:00"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "closes_at"


# Projects, measurements and progress -------------------------------------------------------


def _csv(text: str) -> dict[str, str]:
    return {
        "filename": "measurements.csv",
        "content_base64": base64.b64encode(text.encode()).decode(),
    }


def test_an_import_with_bad_cells_names_each_and_changes_nothing(world, api_as, plan):
    path = f"{BASE}/indicators/{plan['indicator'].pk}/measurements"
    member = api_as(world.member)
    assert member.post(path, {"date": "2026-01-31", "value": "10"}).status_code == 201
    bad = "date,value,note\n2026-02-28,20,fine\n2026-02-30,12.000,\n2026-03-31,,\n"
    answer = member.post(f"{path}/import", _csv(bad))
    assert answer.status_code == 422, answer.content
    messages = [d["msg"] for d in answer.json()["detail"]]
    assert all(d["loc"][-1] == "file" for d in answer.json()["detail"])
    assert any(m.startswith("row 3, column date: value '2026-02-30'") for m in messages)
    assert any(m.startswith("row 3, column value: value '12.000'") for m in messages)
    assert any(m.startswith("row 4, column value: value ''") for m in messages)
    # The good row was not stored either.
    assert list(Measurement.objects.values_list("measured_on", "value")) == [
        (date(2026, 1, 31), Decimal("10.00"))
    ]
    missing = member.post(f"{path}/import", _csv("day,amount\n2026-02-28,1\n"))
    assert missing.status_code == 422
    assert "no column date, value" in missing.json()["detail"][0]["msg"]
    assert Measurement.objects.count() == 1
    not_base64 = member.post(f"{path}/import", {"filename": "m.csv", "content_base64": "%%%"})
    assert not_base64.status_code == 422


def test_a_good_import_stores_every_row(world, api_as, plan):
    path = f"{BASE}/indicators/{plan['indicator'].pk}/measurements"
    good = 'date,value,note\n2026-01-31,10,\n28/02/2026,"25,5",estimated\n'
    answer = api_as(world.member).post(f"{path}/import", _csv(good))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"imported": 2}
    listed = api_as(world.member).get(path).json()["items"]
    assert [(m["date"], m["value"], m["note"]) for m in listed] == [
        ("2026-02-28", "25.50", "estimated"),
        ("2026-01-31", "10.00", ""),
    ]
    assert api_as(world.other_member).post(f"{path}/import", _csv(good)).status_code == 403


def test_progress_rolls_up_from_the_measurements(world, api_as, plan):
    coordinator = api_as(world.coordinator)
    project = plan["project"]
    # A second project on the same objective, weighing three times as much.
    second = coordinator.post(
        f"{BASE}/projects",
        {
            "objective": plan["objective"].pk,
            "title": "Youth observatory",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "weight": 3,
        },
    )
    assert second.status_code == 201, second.content
    indicator = coordinator.post(
        f"{BASE}/projects/{second.json()['id']}/indicators",
        {"name": "Reports", "baseline": "10", "target": "20", "unit": "reports"},
    )
    assert indicator.status_code == 201, indicator.content
    assert indicator.json()["progress"] == 0.0
    member = api_as(world.member)
    first_path = f"{BASE}/indicators/{plan['indicator'].pk}/measurements"
    assert member.post(first_path, {"date": "2026-03-31", "value": "50"}).status_code == 201
    assert member.post(first_path, {"date": "2026-06-30", "value": "100"}).status_code == 201
    coordinator.post(
        f"{BASE}/indicators/{indicator.json()['id']}/measurements",
        {"date": "2026-06-30", "value": "18"},
    )
    sheet = member.get(f"{BASE}/projects/{project.pk}").json()
    assert sheet["progress"] == 50.0  # 100 of 200
    assert sheet["indicators"][0]["latest"] == "100.00"
    assert sheet["indicators"][0]["latest_on"] == "2026-06-30"
    assert sheet["responsible"]["username"] == "mateo"
    listed = {p["id"]: p["progress"] for p in member.get(f"{BASE}/projects").json()["items"]}
    assert listed == {project.pk: 50.0, second.json()["id"]: 80.0}
    tree = member.get(f"{BASE}/progress").json()
    objective = tree["pillars"][0]["objectives"][0]
    # (50 × 1 + 80 × 3) / 4
    assert objective["progress"] == 72.5
    assert tree["pillars"][0]["progress"] == 72.5
    # Read at an earlier date, only the first quarter's measurement counts.
    earlier = member.get(f"{BASE}/progress", on="2026-04-30").json()
    projects = earlier["pillars"][0]["objectives"][0]["projects"]
    assert {p["id"]: p["progress"] for p in projects} == {
        project.pk: 25.0,
        second.json()["id"]: 0.0,
    }


def test_results_take_their_progress_from_their_indicators(world, api_as, plan):
    member = api_as(world.member)  # the project's responsible
    project = plan["project"]
    result = member.post(
        f"{BASE}/projects/{project.pk}/results",
        {"kind": "intermediate", "description": "Ten councils", "progress": "30"},
    )
    assert result.status_code == 201, result.content
    assert (result.json()["recorded_progress"], result.json()["progress"]) == ("30.00", 30.0)
    indicator = member.post(
        f"{BASE}/projects/{project.pk}/indicators",
        {"name": "Councils", "baseline": "0", "target": "10", "result": result.json()["id"]},
    ).json()
    member.post(
        f"{BASE}/indicators/{indicator['id']}/measurements", {"date": "2026-05-01", "value": "8"}
    )
    sheet = member.get(f"{BASE}/projects/{project.pk}").json()
    assert sheet["results"][0]["progress"] == 80.0
    assert [i["id"] for i in sheet["results"][0]["indicators"]] == [indicator["id"]]
    assert (
        api_as(world.other_member)
        .patch(f"{BASE}/results/{result.json()['id']}", {"progress": "90"})
        .status_code
        == 403
    )
    out_of_range = member.patch(f"{BASE}/results/{result.json()['id']}", {"progress": "120"})
    assert out_of_range.status_code == 422
    assert (
        member.get(f"{BASE}/projects/{project.pk}").json()["results"][0]["recorded_progress"]
        == "30.00"
    )


def test_a_project_sheet_round_trip(world, api_as, plan):
    coordinator = api_as(world.coordinator)
    ana = _person(world, world.other_member).pk
    changed = coordinator.patch(
        f"{BASE}/projects/{plan['project'].pk}",
        {
            "specific_objective": "Ten councils in two years",
            "line_referent": ana,
            "staff": "Two facilitators",
            "ends_on": "2025-01-01",
        },
    )
    assert changed.status_code == 422  # ends before it starts
    assert changed.json()["detail"][0]["loc"][-1] == "ends_on"
    changed = coordinator.patch(
        f"{BASE}/projects/{plan['project'].pk}",
        {"specific_objective": "Ten councils", "line_referent": ana, "responsible": None},
    )
    assert changed.status_code == 200, changed.content
    sheet = changed.json()
    assert sheet["specific_objective"] == "Ten councils"
    assert sheet["line_referent"]["username"] == "ana"
    assert sheet["responsible"] is None
    assert sheet["title"] == "Youth councils"
    # Someone of another network cannot be responsible.
    olga = Person.objects.get(network=world.other_network, user=world.outsider).pk
    foreign = coordinator.patch(f"{BASE}/projects/{plan['project'].pk}", {"responsible": olga})
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["loc"][-1] == "responsible"
    assert ProgrammaticProject.objects.get().responsible_id is None


# The plan as one document ----------------------------------------------------------------------


@pytest.fixture
def fake_export(monkeypatch: Any) -> types.SimpleNamespace:
    """Stands in for `planning.export` (its own tests read the real documents): records
    the language it was asked in."""
    seen: list[str] = []

    def markdown(network: Any) -> str:
        seen.append(translation.get_language())
        return f"# {network.name}\n"

    def pdf(network: Any) -> bytes:
        raise PdfUnavailable("PDF needs Pango")

    from minga.planning import export

    monkeypatch.setattr(export, "markdown", markdown)
    monkeypatch.setattr(export, "pdf", pdf)
    return types.SimpleNamespace(seen=seen)


def test_the_plan_downloads_in_the_networks_language_or_the_one_asked(world, api_as, fake_export):
    member = api_as(world.member)
    answer = member.get(f"{BASE}/export", format="md")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("text/markdown")
    assert "red-strategic-plan.md" in answer["Content-Disposition"]
    assert answer.content.decode() == "# Red de prueba\n"
    member.get(f"{BASE}/export", format="md", language="pt-br")
    assert fake_export.seen == [world.network.languages[0], "pt-br"]
    unavailable = member.get(f"{BASE}/export", format="pdf")
    assert unavailable.status_code == 503
    assert unavailable.json() == {"detail": "PDF needs Pango"}
    assert api_as(world.outsider).get(f"{BASE}/export").status_code == 404


def test_the_markdown_plan_holds_the_plans_content(world, api_as, plan):
    api_as(world.member).post(f"{BASE}/pestel", {"category": "social", "trend": "Ageing towns"})
    answer = api_as(world.member).get(f"{BASE}/export", format="md", language="en")
    assert answer.status_code == 200, answer.content
    text = answer.content.decode()
    for expected in ("Ageing towns", "Diverse Democracy", "Include youth", "Youth councils"):
        assert expected in text


# Query counts ----------------------------------------------------------------------------------

_numbers = itertools.count()


@pytest.fixture
def grow(world, plan):
    """More of everything the API lists: rated trends, weighed notes linked to trends,
    objectives, projects with results, indicators and measurements, pillars, basis
    versions and prioritizations with ballots."""

    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            factor = actions.save_trend(
                actor=world.member,
                network=world.network,
                category="social",
                trend=f"Trend {n}",
                probability=3,
                impact="medium",
            )
            item = actions.add_swot_item(
                actor=world.member,
                network=world.network,
                quadrant="threat",
                text=f"Threat {n}",
                trends=[factor.pk],
            )
            actions.weigh_swot_item(actor=world.other_member, item=item, weight=4)
            pillar = actions.save_pillar(
                actor=world.coordinator,
                network=world.network,
                name=f"Pillar {n}",
                stakeholder="funders",
            )
            objective = actions.save_objective(
                actor=world.member, network=world.network, pillar=pillar, title=f"Objective {n}"
            )
            project = actions.save_project(
                actor=world.coordinator,
                network=world.network,
                objective=objective,
                title=f"Project {n}",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                responsible=_person(world, world.member).pk,
                line_referent=_person(world, world.other_member).pk,
            )
            result = actions.save_result(
                actor=world.coordinator, project=project, kind="final", description="Done"
            )
            for indicator in (plan["indicator"], None):
                if indicator is None:
                    indicator = actions.save_indicator(
                        actor=world.coordinator,
                        project=project,
                        name="Reach",
                        baseline=Decimal(0),
                        target=Decimal(10),
                        result=result,
                    )
                actions.record_measurement(
                    actor=world.coordinator,
                    indicator=indicator,
                    measured_on=date(2026, 1, 1) + timedelta(days=n),
                    value=Decimal(n),
                )
        round_ = actions.open_prioritization(
            actor=world.coordinator,
            network=world.network,
            title=f"Round {next(_numbers)}",
            closes_at=timezone.now() + timedelta(days=3),
            adopt=3,
        )
        for user in (world.member, world.other_member):
            actions.cast_ballot(actor=user, prioritization=round_, marks={plan["objective"].pk: 1})

    more()
    return more


@pytest.mark.parametrize(
    "path",
    [
        "pestel",
        "swot",
        "basis",
        "basis/history",
        "basis/pillars",
        "objectives",
        "prioritizations",
        "projects",
        "indicators",
        "progress",
        "measurements",
    ],
)
def test_api_lists_take_as_many_queries_for_more_data(world, plan, grow, api_client, path):
    if path == "measurements":
        path = f"indicators/{plan['indicator'].pk}/measurements"
    assert_queries_flat(api_client(world.member), f"/api/v1{BASE}/{path}", grow)


def test_a_consultations_answers_become_notes_once(world, api_as):
    coordinator = api_as(world.coordinator)
    consultation = coordinator.post(
        "/networks/red/consultations",
        {
            "question": "What are we good at?",
            "kind": "text",
            "closes_at": (timezone.now() + timedelta(days=3)).isoformat(),
        },
    )
    assert consultation.status_code == 201, consultation.content
    answer_path = f"/networks/red/consultations/{consultation.json()['id']}/answer"
    for user, text in ((world.member, "Trust"), (world.other_member, "Reach in two countries")):
        assert api_as(user).put(answer_path, {"text": text}).status_code == 200
    path = f"{BASE}/swot/from-consultation"
    body = {"consultation": consultation.json()["id"], "quadrant": "strength"}
    assert api_as(world.member).post(path, body).status_code == 403
    assert coordinator.post(path, body).json() == {"added": 2}
    assert coordinator.post(path, body).json() == {"added": 0}  # not twice
    strengths = coordinator.get(f"{BASE}/swot").json()["quadrants"]["strength"]
    assert sorted(i["text"] for i in strengths) == ["Reach in two countries", "Trust"]
    unknown = coordinator.post(path, {**body, "consultation": 10**6})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"][-1] == "consultation"


def test_an_adoption_put_to_a_proposal_waits_for_it(world, api_as, plan):
    round_ = _open_round(world, api_as, plan)
    path = f"{BASE}/prioritizations/{round_['id']}"
    marks = {str(pk): 1 for pk in Objective.objects.values_list("pk", flat=True)[:3]}
    api_as(world.member).put(f"{path}/ballot", {"marks": marks})
    coordinator = api_as(world.coordinator)
    assert coordinator.post(f"{path}/propose").status_code == 422  # still open
    coordinator.post(f"{path}/close")
    proposed = coordinator.post(f"{path}/propose")
    assert proposed.status_code == 200, proposed.content
    proposal = proposed.json()["proposal"]
    assert coordinator.get(f"/proposals/{proposal}").status_code == 200
    assert coordinator.get(path).json()["proposal"] == proposal
    waiting = coordinator.post(f"{path}/adopt")
    assert waiting.status_code == 422
    assert "waits for its proposal" in waiting.json()["detail"][0]["msg"]
    assert not Objective.objects.filter(status="adopted").exists()
