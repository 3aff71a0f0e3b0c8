"""The draws API: the role × action matrix, the whole life of a draw, bad input."""

from __future__ import annotations

import pytest

from minga.governance.models import Mandate
from minga.sortition.models import Draw

ROLES = ["coordinator", "member", "treasurer", "protocol_officer", "outsider", "admin"]
MANAGERS = {"coordinator", "admin"}
QUOTAS = [{"feature": "country", "value": c, "min": 1, "max": 1} for c in ("AR", "BR", "CO")] + [
    {"feature": "size", "value": "small", "min": 1, "max": 2},
    {"feature": "size", "value": "medium", "min": 1, "max": 2},
    {"feature": "size", "value": "large", "min": 0, "max": 1},
]


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(world, make_draw, api_as, role, django_capture_on_commit_callbacks):
    draft, published = make_draw(), make_draw("published")
    api = api_as(getattr(world, role))
    listing = api.get("/networks/red/draws")
    if role == "outsider":
        assert listing.status_code == 404
        assert api.get(f"/draws/{published.pk}").status_code == 404
        assert api.post(f"/draws/{draft.pk}/compute").status_code == 404
        return
    assert listing.status_code == 200
    ids = {d["id"] for d in listing.json()}
    assert published.pk in ids and (draft.pk in ids) == (role in MANAGERS)
    assert api.get(f"/draws/{published.pk}").status_code == 200
    assert api.get(f"/draws/{draft.pk}").status_code == (200 if role in MANAGERS else 404)
    expected = 200 if role in MANAGERS else 403
    assert api.post(f"/draws/{published.pk}/feasibility", {}).status_code == expected
    assert api.put(f"/draws/{published.pk}/seed", {"seed": "3"}).status_code == expected
    created = api.post("/networks/red/draws", {"title": "x", "seats": 2})
    assert created.status_code == (201 if role in MANAGERS else 403)


def test_api_unauthenticated_is_refused(world, make_draw, api_as):
    draw = make_draw("published")
    assert api_as(None).get(f"/draws/{draw.pk}").status_code == 401


def test_the_whole_draw_through_the_api(
    world, body, orgs, api_as, django_capture_on_commit_callbacks
):
    api = api_as(world.coordinator)
    created = api.post(
        "/networks/red/draws",
        {
            "title": "Renovación",
            "seats": 3,
            "pool_kind": "organizations",
            "features": ["country", "size"],
            "circle": body.pk,
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["pool_size"] == 14
    assert api.post(f"/draws/{pk}/draw").status_code == 422  # no draw before the seed
    bad = [dict(q) for q in QUOTAS]
    bad[0] |= {"min": 2, "max": 2}
    check = api.post(f"/draws/{pk}/feasibility", {"quotas": bad}).json()
    assert check["feasible"] is False and check["total_change"] == 1
    assert (
        api.put(f"/draws/{pk}/quotas", {"quotas": QUOTAS}).json()["quotas"][0]["feature"]
        == "country"
    )
    assert api.post(f"/draws/{pk}/feasibility", {}).json()["feasible"] is True
    assert api.put(f"/draws/{pk}/seed", {"seed": "1"}).status_code == 422  # not published
    with django_capture_on_commit_callbacks(execute=True):
        computing = api.post(f"/draws/{pk}/compute")
    assert computing.status_code == 202
    result = api.get(f"/draws/{pk}").json()
    assert result["state"] == "computed" and result["progress_done"] == 14
    assert abs(sum(result["probabilities"].values()) - 3) < 1e-6
    assert api.post(f"/draws/{pk}/publish").json()["state"] == "published"
    seeded = api.put(f"/draws/{pk}/seed", {"seed": "Lotería 2025-03-01", "note": "Quiniela"})
    assert seeded.json()["seed"] == "Lotería 2025-03-01"
    drawn = api.post(f"/draws/{pk}/draw").json()
    assert len(drawn["panel"]) == 3
    seated = api.post(f"/draws/{pk}/seat", {}).json()
    assert seated["state"] == "seated"
    assert Mandate.objects.current().filter(circle=body, source="lot").count() == 3
    declined = api.post(f"/draws/{pk}/declines", {"member": drawn["panel"][0]})
    assert declined.status_code == 201 and declined.json()["round"] == 1
    after = api.get(f"/draws/{pk}").json()
    assert declined.json()["replacement_id"] in after["current_panel"]
    assert after["declines"][0]["member_id"] == drawn["panel"][0]


def test_bad_quotas_answer_422_naming_the_field(world, make_draw, api_as):
    draw = make_draw()
    response = api_as(world.coordinator).put(
        f"/draws/{draw.pk}/quotas",
        {"quotas": [{"feature": "planet", "value": "x", "min": 0, "max": 1}]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "quotas"
    assert "planet=x" in response.json()["detail"][0]["msg"]
    assert draw.quotas.count() == 6


def test_a_bad_csv_through_the_api_stores_nothing(world, api_as):
    response = api_as(world.coordinator).post(
        "/networks/red/draws",
        {
            "title": "Panel",
            "seats": 1,
            "people_csv": "id,gender\n,woman\n",
            "features_csv": "feature,value,min,max\ngender,woman,0,1\n",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "people_csv"
    assert "people.csv row 2: empty id" in response.json()["detail"][0]["msg"]
    assert not Draw.objects.exists()


def test_another_networks_draw_is_404_in_the_api(world, make_draw, api_as):
    draw = make_draw("published")
    assert api_as(world.outsider).get(f"/draws/{draw.pk}").status_code == 404
