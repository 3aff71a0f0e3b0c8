"""The draw's state machine, its pool, compute through the task, seats and declines."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.core.models import AuditEntry
from minga.core.permissions import SYSTEM
from minga.governance.models import Mandate
from minga.sortition import actions
from minga.sortition.actions import QuotaRow
from minga.sortition.engine.draw import Distribution
from minga.sortition.engine.model import panel_violations
from minga.sortition.engine.replacement import distribution_from_json
from minga.sortition.models import Decline, Draw, DrawState


def test_directory_pool_of_organizations_has_their_country_and_size(world, orgs):
    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Panel",
        seats=3,
        pool_kind="organizations",
        features=["country", "size"],
    )
    assert len(draw.pool) == 14
    row = draw.pool_row(f"o{world.org_b.pk}")
    assert row is not None
    assert row["features"] == {"country": "BR", "size": "large", "type": "ngo"}
    assert row["label"] == "Instituto B"
    assert draw.features == ["country", "size"]
    assert {(q.feature, q.value) for q in draw.quotas.all()} >= {
        ("size", "large"),
        ("country", "AR"),
    }
    assert AuditEntry.objects.filter(action="draw.create", target_id=str(draw.pk)).exists()


def test_directory_pool_of_people_groups_them_by_organization(world):
    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Panel",
        seats=2,
        features=["country", "language"],
        group_by="organization",
    )
    ids = [row["id"] for row in draw.pool]
    assert len(ids) == world.network.people.count()
    mateo = next(r for r in draw.pool if r["label"] == "mateo")
    assert mateo["group"] == f"o{world.org_a.pk}"
    assert mateo["features"]["country"] == "CO"


def test_a_member_cannot_create_a_draw(world):
    with pytest.raises(PermissionDenied):
        actions.create_draw(actor=world.member, network=world.network, title="x", seats=1)
    assert not Draw.objects.exists()


# Each public action, on a draw at a stage where it could run, as someone it refuses.
REFUSED: dict[str, tuple[str, dict[str, Any]]] = {
    "set_quotas": ("draft", {"quotas": [QuotaRow("country", "AR", 0, 1)]}),
    "compute": ("draft", {}),
    "publish": ("computed", {}),
    "fix_seed": ("published", {"seed": "7"}),
    "draw_panel": ("seed_fixed", {}),
    "seat": ("drawn", {}),
    "decline": ("drawn", {"member_id": "first"}),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_action_checks_its_actor_first(world, make_draw, name):
    stage, arguments = REFUSED[name]
    draw = make_draw(stage)
    if arguments.get("member_id") == "first":
        arguments = {"member_id": draw.panel[0]}
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        getattr(actions, name)(actor=world.member, draw=draw, **arguments)
    with pytest.raises(PermissionDenied):
        getattr(actions, name)(actor=world.outsider, draw=draw, **arguments)
    assert AuditEntry.objects.count() == entries
    assert Draw.objects.get(pk=draw.pk).state == draw.state
    with pytest.raises(PermissionDenied):
        actions.check_feasibility(actor=world.outsider, draw=draw)


def test_the_system_can_draw_and_the_log_says_so(world, orgs, django_capture_on_commit_callbacks):
    draw = actions.create_draw(
        actor=SYSTEM,
        network=world.network,
        title="Panel",
        seats=3,
        pool_kind="organizations",
        features=["country"],
    )
    assert draw.created_by is None
    with django_capture_on_commit_callbacks(execute=True):
        actions.compute(actor=SYSTEM, draw=draw)
    entries = AuditEntry.objects.filter(target_type="sortition.draw").order_by("pk")
    assert [(e.action, e.actor_id, e.by_system) for e in entries] == [
        ("draw.create", None, True),
        ("draw.compute", None, True),
        ("draw.computed", None, True),
    ]


PEOPLE = "id,gender,age\na1,woman,young\na2,man,young\na3,woman,old\na4,man,old\n"
FEATURES = "feature,value,min,max\ngender,woman,1,1\ngender,man,1,1\nage,young,1,1\nage,old,1,1\n"


def test_a_csv_pool_brings_its_quotas(world):
    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Panel ciudadano",
        seats=2,
        people_csv=PEOPLE,
        features_csv=FEATURES,
    )
    assert draw.source == "csv"
    assert [row["id"] for row in draw.pool] == ["a1", "a2", "a3", "a4"]
    assert draw.quota_map()["gender"]["woman"].max == 1


@pytest.mark.parametrize(
    ("people", "features", "field", "message"),
    [
        (
            PEOPLE.replace("a3,woman,old", "a3,femme,old"),
            FEATURES,
            "people_csv",
            "people.csv row 4: gender='femme'",
        ),
        (
            PEOPLE,
            FEATURES.replace("age,old,1,1", "age,old,one,1"),
            "features_csv",
            "features.csv row 5, min: 'one'",
        ),
        (PEOPLE.replace("id,", "code,"), FEATURES, "people_csv", "missing column(s) id"),
    ],
)
def test_a_bad_csv_names_the_row_and_column_and_stores_nothing(
    world, people, features, field, message
):
    with pytest.raises(ValidationError) as caught:
        actions.create_draw(
            actor=world.coordinator,
            network=world.network,
            title="Panel",
            seats=2,
            people_csv=people,
            features_csv=features,
        )
    assert message in caught.value.message_dict[field][0]
    assert not Draw.objects.exists()
    assert not AuditEntry.objects.filter(action="draw.create").exists()


def test_feasibility_names_the_conflict_and_smallest_relaxation(world, make_draw):
    draw = make_draw()
    quotas = [
        QuotaRow("country", "AR", 2, 2),
        QuotaRow("country", "BR", 1, 1),
        QuotaRow("country", "CO", 1, 1),
        QuotaRow("size", "small", 0, 3),
        QuotaRow("size", "medium", 0, 3),
        QuotaRow("size", "large", 0, 1),
    ]
    diagnosis = actions.check_feasibility(actor=world.coordinator, draw=draw, quotas=quotas)
    assert diagnosis is not None
    assert "country: the minimums add up to 4, more than 3 seats" in diagnosis.conflicts
    assert diagnosis.total_change == 1
    assert actions.check_feasibility(actor=world.coordinator, draw=draw) is None
    assert draw.quota_map()["country"]["AR"].min == 1  # nothing stored


def test_quotas_must_cover_every_value_of_a_feature(world, make_draw):
    draw = make_draw()
    with pytest.raises(ValidationError) as caught:
        actions.set_quotas(
            actor=world.coordinator, draw=draw, quotas=[QuotaRow("country", "AR", 1, 1)]
        )
    assert "Country: no quota for Brazil, Colombia" in caught.value.messages[0]
    assert draw.quotas.count() == 6


def test_no_seed_before_publication_and_no_draw_before_the_seed(world, make_draw):
    draw = make_draw()
    with pytest.raises(ValidationError):
        actions.fix_seed(actor=world.coordinator, draw=draw, seed="1")
    with pytest.raises(ValidationError):
        actions.publish(actor=world.coordinator, draw=draw)
    computed = make_draw("computed")
    with pytest.raises(ValidationError) as caught:
        actions.fix_seed(actor=world.coordinator, draw=computed, seed="1")
    assert "seed" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.draw_panel(actor=world.coordinator, draw=computed)
    published = make_draw("published")
    with pytest.raises(ValidationError):
        actions.draw_panel(actor=world.coordinator, draw=published)
    with pytest.raises(ValidationError):
        actions.set_quotas(actor=world.coordinator, draw=published, quotas=[])
    with pytest.raises(ValidationError):
        actions.fix_seed(actor=world.coordinator, draw=published, seed="   ")
    with pytest.raises(ValidationError):
        actions.seat(actor=world.coordinator, draw=published)
    fixed = make_draw("seed_fixed", seed="99")
    with pytest.raises(ValidationError):
        actions.fix_seed(actor=world.coordinator, draw=fixed, seed="100")
    fixed.refresh_from_db()
    assert fixed.seed == "99"


def test_compute_runs_as_a_task_and_writes_progress(
    world, make_draw, django_capture_on_commit_callbacks
):
    draw = make_draw()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.compute(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    assert draw.state == DrawState.COMPUTING and draw.progress_done == 0
    assert len(callbacks) == 1
    callbacks[0]()  # the immediate task backend runs the task now
    draw.refresh_from_db()
    assert draw.state == DrawState.COMPUTED
    assert draw.progress_done == draw.progress_total == 14
    assert abs(sum(draw.probabilities.values()) - 3) < 1e-6
    assert draw.min_probability == min(draw.probabilities.values())
    assert len(draw.distribution_sha256) == 64
    assert set(draw.legacy_probabilities) == set(draw.probabilities)
    assert draw.min_probability >= draw.legacy_min_probability - 1e-9
    assert distribution_from_json(draw.distribution).sha256() == draw.distribution_sha256


def test_the_task_is_idempotent(world, make_draw):
    from minga.sortition.tasks import compute_draw

    draw = make_draw("computed")
    sha = draw.distribution_sha256
    assert compute_draw.call(draw.pk) is False
    draw.refresh_from_db()
    assert draw.distribution_sha256 == sha
    assert AuditEntry.objects.filter(action="draw.computed").count() == 1
    computed = AuditEntry.objects.get(action="draw.computed")
    assert computed.by_system and computed.actor is None


def test_infeasible_quotas_send_the_draw_back_to_draft_with_a_diagnosis(
    world, make_draw, django_capture_on_commit_callbacks
):
    draw = make_draw()
    draw.quotas.filter(feature="size", value="large").update(min=3, max=3)
    with django_capture_on_commit_callbacks(execute=True):
        actions.compute(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAFT
    assert draw.diagnosis["relaxations"]
    assert "cannot all be met" in draw.error


def test_the_draw_is_the_documented_procedure_and_deterministic(world, make_draw):
    first = make_draw("drawn", seed="31415")
    second = make_draw("drawn", seed="31415")
    distribution = distribution_from_json(first.distribution)
    assert isinstance(distribution, Distribution)
    assert first.panel == distribution.draw("31415") == second.panel
    assert first.current_panel == first.panel
    assert not panel_violations(first.instance(), first.panel)


def test_seating_gives_mandates_from_the_lot(world, make_draw, body):
    draw = make_draw("seated")
    mandates = Mandate.objects.filter(circle=body)
    assert sorted(f"o{m.organization_id}" for m in mandates) == draw.panel
    assert {m.source for m in mandates} == {"lot"}
    assert {m.role for m in mandates} == {"member"}
    assert AuditEntry.objects.filter(action="mandate.appoint").count() == 3


def test_a_decline_is_replaced_deterministically_within_the_quotas(world, make_draw):
    one = make_draw("drawn", seed="7")
    two = make_draw("drawn", seed="7")
    features = {row["id"]: row["features"] for row in one.pool}
    # A member whose type (country and size) has someone else left: step 2 of the procedure
    # then always finds a compatible panel. Not simply panel[0]: ids are the database's, and
    # PostgreSQL's sequences move with the tests run before (one type has a single member).
    declined = next(
        member
        for member in one.panel
        if any(f == features[member] and pid not in one.panel for pid, f in features.items())
    )
    a = actions.decline(actor=world.coordinator, draw=one, member_id=declined)
    b = actions.decline(actor=world.coordinator, draw=two, member_id=declined)
    assert a.replacement_id == b.replacement_id
    assert a.replacement_id not in one.panel
    assert a.method == "distribution"
    one.refresh_from_db()
    assert declined not in one.current_panel
    assert set(one.panel) - {declined} <= set(one.current_panel)
    assert not panel_violations(one.instance(), one.current_panel)
    # The decliner's country is the only one with a free seat: the replacement shares it.
    assert features[a.replacement_id]["country"] == features[declined]["country"]
    again = actions.decline(actor=world.coordinator, draw=one, member_id=a.replacement_id)
    assert again.round == 2 and again.replacement_id not in {declined, a.replacement_id}
    one.refresh_from_db()
    instance, kept = one.instance(), one.current_panel
    if not again.replacement_id:  # step 4: the seat stays empty only if nobody fits
        assert again.method == "none" and len(kept) == 2
        others = [p.id for p in instance.people if p.id not in {*kept, declined, a.replacement_id}]
        assert all(panel_violations(instance, sorted([*kept, pid])) for pid in others)
    else:
        assert not panel_violations(instance, kept)


def test_a_decline_after_seating_ends_the_mandate_and_seats_the_replacement(world, make_draw, body):
    draw = make_draw("seated", seed="8")
    declined = draw.panel[1]
    entry = actions.decline(actor=world.coordinator, draw=draw, member_id=declined)
    current = Mandate.objects.current().filter(circle=body)
    assert sorted(f"o{m.organization_id}" for m in current) == sorted(
        [*(m for m in draw.panel if m != declined), entry.replacement_id]
    )
    assert Mandate.objects.filter(circle=body, ended_on__isnull=False).get().organization_id == int(
        declined[1:]
    )


def test_declining_someone_not_on_the_panel_is_refused(world, make_draw):
    draw = make_draw("drawn")
    outsider = next(r["id"] for r in draw.pool if r["id"] not in draw.panel)
    with pytest.raises(ValidationError) as caught:
        actions.decline(actor=world.coordinator, draw=draw, member_id=outsider)
    assert "not on the panel" in caught.value.messages[0]
    assert not Decline.objects.exists()
