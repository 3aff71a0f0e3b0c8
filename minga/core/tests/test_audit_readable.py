"""Audit entries read in the reader's language, with titles and labels, not stored values."""

from __future__ import annotations

from django.utils import translation

from minga.core import actions
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import AuditEntry, StepProgress


def test_step_state_entry_names_the_step_and_state_in_the_readers_language(world):
    with translation.override("en"):
        actions.set_step_state(
            actor=world.coordinator, network=world.network, step="membership", state="in_progress"
        )
    entry = AuditEntry.objects.get(action="step.set_state")
    with translation.override("en"):
        assert entry.sentence() == (
            "carolina changed the state of the step «Membership model» to «In progress»."
        )
    with translation.override("es"):
        sentence = entry.sentence()
    assert "membership" not in sentence and "in_progress" not in sentence
    assert "«Modelo de membresía»" in sentence or "Modelo" in sentence, sentence


def test_step_progress_reads_with_labels(world):
    progress = StepProgress(network=world.network, step="reach", state="in_progress")
    with translation.override("en"):
        assert str(progress) == "Red de prueba: Define the reach · In progress"


def test_ethics_signature_entry_shows_no_stored_text(world):
    entry = record(
        actor=world.member,
        action=AuditEvent.ETHICS_SIGN,
        target=world.org_a,
        network=world.network,
        data={"version": 2},
    )
    entry.target_repr = "Fundación A signed v2"
    with translation.override("en"):
        assert entry.sentence() == ("mateo signed the code of ethics version 2, for «Fundación A».")


def test_the_audit_page_shows_step_states_by_label(world, client_as):
    actions.set_step_state(
        actor=world.coordinator, network=world.network, step="reach", state="done"
    )
    page = client_as(world.coordinator, "es").get("/n/red/audit/").content.decode()
    log = page.split("</form>")[-1]
    assert "reach done" not in log and "«Definir el alcance»" in log
