"""Draw pages: the role × action matrix, the quotas editor with its live check, the
results page with its chart, progress fragment, verification files and command."""

from __future__ import annotations

import html
import subprocess
import sys

import pytest

from minga.sortition.models import Draw, DrawState

ROLES = ["coordinator", "member", "treasurer", "protocol_officer", "outsider", "admin"]
MANAGERS = {"coordinator", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_list_and_results_pages_by_role(world, make_draw, client_as, role):
    draft, published = make_draw(), make_draw("published")
    client = client_as(getattr(world, role))
    listing = client.get("/n/red/sortition/")
    if role == "outsider":
        assert listing.status_code == 404
        assert client.get(f"/n/red/sortition/{published.pk}/").status_code == 404
        return
    assert listing.status_code == 200
    assert published.get_absolute_url().encode() in listing.content
    assert (draft.get_absolute_url().encode() in listing.content) == (role in MANAGERS)
    assert client.get(f"/n/red/sortition/{published.pk}/").status_code == 200
    assert client.get(f"/n/red/sortition/{draft.pk}/").status_code == (
        200 if role in MANAGERS else 404
    )
    assert client.get("/n/red/sortition/new/").status_code == (200 if role in MANAGERS else 403)
    assert client.get(f"/n/red/sortition/{published.pk}/quotas/").status_code == (
        200 if role in MANAGERS else 403
    )
    response = client.post(
        f"/n/red/sortition/{published.pk}/seed/", {"seed": "12", "confirmed": "1"}
    )
    assert response.status_code == (302 if role in MANAGERS else 403)
    published.refresh_from_db()
    assert (published.state == DrawState.SEED_FIXED) == (role in MANAGERS)


def test_another_networks_draw_is_not_found(world, make_draw, client_as):
    draw = make_draw("published")
    from minga.core import actions as core_actions

    core_actions.add_person(
        actor=world.outsider,
        network=world.other_network,
        username="carolina",
        roles=["coordinator"],
    )
    client = client_as(world.coordinator)
    assert client.get(f"/n/otra/sortition/{draw.pk}/").status_code == 404


def test_create_from_the_directory_then_edit_quotas(world, body, orgs, client_as):
    client = client_as(world.coordinator)
    response = client.post(
        "/n/red/sortition/new/",
        {
            "title": "Renovación",
            "circle": body.pk,
            "seats": 3,
            "pool_kind": "organizations",
            "features": ["country", "size"],
            "algorithm": "leximin",
        },
    )
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{draw.pk}/quotas/")
    page = client.get(f"/n/red/sortition/{draw.pk}/quotas/")
    assert b'hx-post="/n/red/sortition/%d/feasibility/"' % draw.pk in page.content
    rows = page.context["rows"]
    data = {}
    for row in rows:
        data[f"min-{row['index']}"] = 1 if row["feature"] == "country" else 0
        data[f"max-{row['index']}"] = 1 if row["feature"] == "country" else 3
    response = client.post(f"/n/red/sortition/{draw.pk}/quotas/", data)
    assert response.status_code == 302
    assert draw.quota_map()["country"]["AR"].min == 1


def test_a_bad_csv_upload_shows_the_row_and_stores_nothing(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(world.coordinator, "en")
    response = client.post(
        "/n/red/sortition/new/",
        {
            "title": "Panel",
            "seats": 2,
            "pool_kind": "people",
            "algorithm": "leximin",
            "people_csv": SimpleUploadedFile("p.csv", b"id,gender\nx1,woman\nx2,robot\n"),
            "features_csv": SimpleUploadedFile(
                "f.csv", b"feature,value,min,max\ngender,woman,0,1\ngender,man,0,1\n"
            ),
        },
    )
    assert response.status_code == 200
    assert "people.csv row 3: gender='robot'" in html.unescape(response.content.decode())
    assert not Draw.objects.exists()


def test_the_feasibility_fragment_shows_the_smallest_relaxation(world, make_draw, client_as):
    draw = make_draw()
    client = client_as(world.coordinator)
    rows = client.get(f"/n/red/sortition/{draw.pk}/quotas/").context["rows"]
    data = {f"min-{r['index']}": r["min"] for r in rows} | {
        f"max-{r['index']}": r["max"] for r in rows
    }
    ar = next(r["index"] for r in rows if r["value"] == "AR")
    data[f"min-{ar}"] = data[f"max-{ar}"] = 2
    response = client.post(f"/n/red/sortition/{draw.pk}/feasibility/", data)
    text = response.content.decode()
    assert response.status_code == 200 and 'id="feasibility"' in text
    assert "No panel meets these quotas." in text
    assert "<li>Country = Colombia: min 1 → 0 </li>" in text
    assert "Country: the minimums add up to 4, more than the 3 seats." in text
    data[f"min-{ar}"] = data[f"max-{ar}"] = 1
    assert (
        "Feasible" in client.post(f"/n/red/sortition/{draw.pk}/feasibility/", data).content.decode()
    )
    data[f"min-{ar}"] = "x"
    assert (
        "Country = Argentina, min: &#x27;x&#x27; is not a whole number"
        in client.post(f"/n/red/sortition/{draw.pk}/feasibility/", data).content.decode()
    )
    assert draw.quota_map()["country"]["AR"].min == 1
    assert (
        client_as(world.member).post(f"/n/red/sortition/{draw.pk}/feasibility/", data).status_code
        == 403
    )


def test_compute_page_button_and_progress_fragment(
    world, make_draw, client_as, django_capture_on_commit_callbacks
):
    draw = make_draw()
    client = client_as(world.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/n/red/sortition/{draw.pk}/compute/")
    fragment = client.get(f"/n/red/sortition/{draw.pk}/progress/")
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    page = client.get(f"/n/red/sortition/{draw.pk}/")
    assert b'id="progress"' in page.content
    callbacks[0]()
    fragment = client.get(f"/n/red/sortition/{draw.pk}/progress/")
    assert fragment["HX-Refresh"] == "true"
    assert b"100% of the computation done" in fragment.content


def test_results_page_shows_chart_hash_seed_panel_and_verify_command(
    world, make_draw, client_as, tmp_path
):
    draw = make_draw("drawn", seed="Asamblea 2025")
    client = client_as(world.member)
    page = client.get(f"/n/red/sortition/{draw.pk}/").content.decode()
    assert draw.distribution_sha256 in page
    assert "Asamblea 2025" in page
    assert f"/n/red/sortition/{draw.pk}/chart.svg" in page
    for member_id in draw.panel:
        assert f"({member_id})" in page
    assert "Declines" not in page  # members see, coordinators act
    chart = client.get(f"/n/red/sortition/{draw.pk}/chart.svg")
    assert chart["Content-Type"] == "image/svg+xml"
    assert chart.content.count(b"<path") > 3 and b"LEXIMIN" in chart.content
    command = client.get(f"/n/red/sortition/{draw.pk}/").context["verify_command"]
    assert command.startswith(
        "minga sortition verify --people people.csv --features features.csv --seats 3 "
        "--seed 'Asamblea 2025'"
    )
    assert f"--distribution distribution.json --sha256 {draw.distribution_sha256}" in command
    for name in ("people.csv", "features.csv", "distribution.json"):
        (tmp_path / name).write_bytes(client.get(f"/n/red/sortition/{draw.pk}/{name}").content)
    args = command.split(" ", 1)[1].replace("'Asamblea 2025'", "ASEED")
    argv = [a if a != "ASEED" else "Asamblea 2025" for a in args.split()]
    done = subprocess.run(
        [sys.executable, "-m", "minga.cli", *argv], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert draw.distribution_sha256 in done.stdout


def test_the_coordinator_walks_the_draw_through_the_pages(world, make_draw, client_as, body):
    draw = make_draw("computed")
    client = client_as(world.coordinator)
    yes = {"confirmed": "1"}
    client.post(f"/n/red/sortition/{draw.pk}/publish/", yes)
    client.post(f"/n/red/sortition/{draw.pk}/seed/", {"seed": "5", "note": "bolillero", **yes})
    client.post(f"/n/red/sortition/{draw.pk}/draw/", yes)
    client.post(f"/n/red/sortition/{draw.pk}/seat/", yes)
    draw.refresh_from_db()
    assert draw.state == DrawState.SEATED and draw.seed_note == "bolillero"
    response = client.post(
        f"/n/red/sortition/{draw.pk}/decline/", {"member": draw.panel[0], **yes}, follow=True
    )
    assert b"replacement, round 1" in response.content
    assert body.mandates.current().count() == 3
