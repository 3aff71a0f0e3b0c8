"""Alternates on the platform: chosen with the drawn panel, before anyone declines; a decline
seats the best of them; each person's chance of being seated shows beside their chance of
being drawn; the stay model learns from the network's own declines."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.sortition import actions
from minga.sortition.actions import alternates as alternates_actions
from minga.sortition.engine.alternates import panel_loss, replacement_from
from minga.sortition.models import Draw

pytestmark = pytest.mark.django_db


def test_a_decline_seats_the_best_alternate(world, make_draw, client_as, api_as):
    draw = make_draw("drawn")
    with pytest.raises(PermissionDenied):
        actions.choose_alternates(actor=world.member, draw=draw, budget=2)
    actions.choose_alternates(actor=world.coordinator, draw=draw, budget=2)
    draw = Draw.objects.get(pk=draw.pk)
    assert len(draw.alternates) == 2 and not set(draw.alternates) & set(draw.panel)
    assert draw.stay_model["history"] == 0 and draw.stay_model["base"] == pytest.approx(0.8)
    assert set(draw.seated_chances) == set(draw.panel) | set(draw.alternates)
    assert all(draw.seated_chances[m] == pytest.approx(0.8) for m in draw.panel)
    assert all(0 <= draw.seated_chances[m] <= 0.8 for m in draw.alternates)
    page = client_as(world.coordinator, "es").get(draw.get_absolute_url()).content.decode()
    assert "Probabilidad de ocupar el puesto" in page
    declined = draw.panel[0]
    entry = actions.decline(actor=world.coordinator, draw=draw, member_id=declined)
    draw = Draw.objects.get(pk=draw.pk)
    if entry.method == "alternate":
        assert entry.replacement_id in draw.alternates
        kept = [m for m in draw.panel if m != declined]
        best = min(panel_loss(draw.instance(), [*kept, a]) for a in draw.alternates)
        assert panel_loss(draw.instance(), draw.current_panel) == best
    else:  # no alternate was better than the empty seat: the usual procedure
        assert entry.method in {"distribution", "quotas", "none"}
    with pytest.raises(ValidationError):  # after a decline it is too late
        actions.choose_alternates(actor=world.coordinator, draw=draw, budget=2)
    body = api_as(world.coordinator).get(f"/draws/{draw.pk}").json()
    assert body["alternates"] == draw.alternates
    assert body["seated_chances"] == pytest.approx(draw.seated_chances)


def test_the_api_chooses_alternates(world, make_draw, api_as):
    draw = make_draw("drawn")
    assert api_as(world.member).post(
        f"/draws/{draw.pk}/alternates", {"alternates": 2}
    ).status_code in {403, 404}
    response = api_as(world.coordinator).post(f"/draws/{draw.pk}/alternates", {"alternates": 2})
    assert response.status_code == 200, response.json()
    assert len(response.json()["alternates"]) == 2
    assert (
        api_as(world.coordinator)
        .post(f"/draws/{draw.pk}/alternates", {"alternates": 99})
        .status_code
        == 422
    )


def test_the_stay_model_learns_from_the_networks_declines(world, make_draw, monkeypatch):
    pending = make_draw("drawn", seed="pendiente")  # invitations not settled: not history
    actions.decline(actor=world.coordinator, draw=pending, member_id=pending.panel[0])
    earlier = make_draw("seated", seed="uno")
    actions.decline(actor=world.coordinator, draw=earlier, member_id=earlier.panel[0])
    draw = make_draw("drawn", seed="dos")
    history = alternates_actions.stay_history(draw)
    assert len(history) == 3 and sum(not stayed for _f, stayed in history) == 1
    monkeypatch.setattr(alternates_actions, "MIN_HISTORY", 3)
    actions.choose_alternates(actor=world.coordinator, draw=draw, budget=1)
    draw = Draw.objects.get(pk=draw.pk)
    assert draw.stay_model["history"] == 3
    assert draw.stay_model["base"] != pytest.approx(0.8)


@pytest.mark.django_db(transaction=True)
def test_a_decline_through_the_page_runs_in_its_own_transaction(world, make_draw, client_as):
    # Outside a test's transaction: the action itself must open one for its row lock.
    draw = make_draw("drawn")
    actions.choose_alternates(actor=world.coordinator, draw=draw, budget=1)
    member = draw.panel[0]
    response = client_as(world.coordinator).post(
        f"/n/red/sortition/{draw.pk}/decline/", {"member": member, "confirmed": "1"}
    )
    assert response.status_code == 302
    draw = Draw.objects.get(pk=draw.pk)
    assert member not in draw.current_panel and draw.declines.count() == 1


def test_the_page_command_verifies_the_panel_after_declines_and_alternates(
    world, make_draw, client_as, tmp_path
):
    import shlex
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    draw = make_draw("drawn", seed="verificable")
    actions.choose_alternates(actor=world.coordinator, draw=draw, budget=2)
    for _ in range(2):  # each time, someone an alternate can replace (which pool ids decide)
        draw = Draw.objects.get(pk=draw.pk)
        waiting = [a for a in draw.alternates if a not in draw.current_panel]
        member = next(
            m
            for m in draw.current_panel
            if replacement_from(draw.instance(), [k for k in draw.current_panel if k != m], waiting)
        )
        actions.decline(actor=world.coordinator, draw=draw, member_id=member)
    draw = Draw.objects.get(pk=draw.pk)
    client = client_as(world.coordinator)
    for name in ("people.csv", "features.csv", "distribution.json"):
        (tmp_path / name).write_bytes(client.get(f"{draw.get_absolute_url()}{name}").content)
    command = client.get(draw.get_absolute_url()).context["verify_command"]
    assert "--declined" in command and "--alternates" in command
    argv = [
        str(tmp_path / a) if a.endswith((".csv", ".json")) else a for a in shlex.split(command)[3:]
    ]
    out = StringIO()
    call_command("sortition", "verify", *argv, stdout=out)
    assert out.getvalue().startswith("OK") and "after 2 decline(s)" in out.getvalue()
    # Both seats went to alternates; the panel first drawn no longer verifies.
    assert [d.method for d in draw.declines.all()] == ["alternate", "alternate"]
    first = [*argv[: argv.index("--panel") + 1], ",".join(draw.panel)]
    with pytest.raises(CommandError):
        call_command("sortition", "verify", *first, stdout=StringIO())


def test_everyones_chance_of_being_seated_before_the_draw_is_estimated_in_the_background(
    world, make_draw, client_as, api_as, django_capture_on_commit_callbacks
):
    draw = make_draw("drawn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.choose_alternates(actor=world.coordinator, draw=draw, budget=2)
    draw = Draw.objects.get(pk=draw.pk)
    assert draw.seated_before_draw == {} and len(callbacks) == 1  # queued, not yet run
    page = client_as(world.coordinator, "es").get(draw.get_absolute_url()).content.decode()
    assert "se está estimando" in page
    callbacks[0]()  # the task (run at once in tests)
    draw = Draw.objects.get(pk=draw.pk)
    pool = {row["id"] for row in draw.pool}
    assert set(draw.seated_before_draw) == pool
    for person, chance in draw.seated_before_draw.items():
        assert draw.probabilities[person] * 0.8 - 1e-9 <= chance <= 1
    assert sum(draw.seated_before_draw.values()) <= draw.seats + 1e-9
    assert not alternates_actions.run_seated_before_draw(draw.pk, 2)  # done once
    page = client_as(world.member, "es").get(draw.get_absolute_url()).content.decode()
    low = min(draw.seated_before_draw.values())
    assert "Antes del sorteo" in page and f"{low * 100:.1f}".replace(".", ",") in page
    body = api_as(world.member).get(f"/draws/{draw.pk}").json()
    assert body["seated_before_draw"] == pytest.approx(draw.seated_before_draw)
