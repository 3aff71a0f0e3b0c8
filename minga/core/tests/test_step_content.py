"""A step's state follows its content until its coordinators set one."""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.core import actions, queries
from minga.core.steps import STEPS


def _add_plan(network):
    # By label: core (its tests too) imports no step app.
    return apps.get_model("membership.Plan").objects.create(
        network=network, name="Cuota", kind="fixed", fee=10
    )


def test_a_step_with_content_reads_in_progress(world, client_as):
    assert queries.step_states(world.network)["membership"] == "not_started"
    _add_plan(world.network)
    assert queries.step_states(world.network)["membership"] == "in_progress"
    assert queries.step_states(world.other_network)["membership"] == "not_started"
    page = client_as(world.member, "es").get("/n/red/").content.decode()
    assert "state-in_progress" in page


def test_the_coordinators_choice_wins_over_the_content(world):
    _add_plan(world.network)
    actions.set_step_state(
        actor=world.coordinator, network=world.network, step="membership", state="done"
    )
    assert queries.step_states(world.network)["membership"] == "done"
    actions.set_step_state(
        actor=world.coordinator, network=world.network, step="membership", state="not_started"
    )
    assert queries.step_states(world.network)["membership"] == "not_started"


def test_every_content_label_names_a_model_with_a_network(world):
    for step in STEPS:
        for label in step.content:
            assert apps.get_model(label)._meta.get_field("network"), label


def test_step_states_take_one_query_however_many_steps(world):
    with CaptureQueriesContext(connection) as queries_run:
        queries.step_states(world.network)
    assert len(queries_run.captured_queries) == 1


def test_a_steps_own_state_is_the_one_the_network_page_shows(world):
    def each_alone():
        alone = {}
        for step in STEPS:
            with CaptureQueriesContext(connection) as queries_run:
                alone[step.key] = queries.step_state(world.network, step.key)
            assert len(queries_run.captured_queries) == 1
        return alone

    assert set(each_alone().values()) == {"not_started"}
    _add_plan(world.network)
    actions.set_step_state(
        actor=world.coordinator, network=world.network, step="reach", state="done"
    )
    alone = each_alone()
    assert alone == queries.step_states(world.network)
    assert (alone["membership"], alone["reach"], alone["mapping"]) == (
        "in_progress",
        "done",
        "not_started",
    )
