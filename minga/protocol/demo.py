"""The demo network's protocol: set up (its recovery key is not kept: a demo has nothing
to recover), the public channel open, its text published, Paula's key locked under the
demo password, and two cases, one answered."""

from __future__ import annotations

from minga.core.demo import DEMO_PASSWORD, DemoNetwork
from minga.core.models import User
from minga.protocol import actions, keys
from minga.protocol.models import CaseKey


def load(demo: DemoNetwork) -> None:
    network, coordinator, officer = demo.network, demo.coordinator, demo.protocol_officer
    actions.set_up(actor=coordinator, network=network)
    actions.change_settings(
        actor=coordinator,
        network=network,
        anonymous_channel=True,
        retention_days=90,
        outside_help=(
            "Línea 155 (Argentina), Ligue 180 (Brasil), Línea 155 (Colombia): atención "
            "gratuita y confidencial a víctimas de violencia de género, todos los días."
        ),
    )
    actions.publish_text(
        actor=coordinator,
        network=network,
        kind="protocol",
        body_es=(
            "Cualquier persona de la red puede informar una situación de violencia o "
            "discriminación. El equipo del protocolo escucha, acompaña y acuerda medidas "
            "con la persona, sin pedirle que repita su relato."
        ),
        body_pt_br=(
            "Qualquer pessoa da rede pode relatar uma situação de violência ou "
            "discriminação. A equipe do protocolo escuta, acompanha e combina medidas com "
            "a pessoa, sem pedir que repita seu relato."
        ),
        body_en=(
            "Anyone in the network can report violence or discrimination. The protocol "
            "team listens, supports and agrees measures with the person, without asking "
            "them to tell their story again."
        ),
    )
    key = actions.create_officer_key(actor=officer, network=network, password=DEMO_PASSWORD)
    private = keys.unlock(actions.locked_key(key), DEMO_PASSWORD, actions.kdf_cost())
    reporter = User.objects.get(username="rep01")
    case, _receipt = actions.report(
        network=network,
        reporter=reporter,
        kind="harassment",
        account=(
            "En el último taller regional, un participante hizo comentarios sobre mi aspecto "
            "delante del grupo y siguió escribiéndome por mensaje después."
        ),
    )
    case_key = keys.unwrap(private, bytes(CaseKey.objects.get(case=case, officer=key).wrapped))
    actions.team_message(
        actor=officer,
        case=case,
        case_key=case_key,
        message="Gracias por escribirnos. Te proponemos una conversación esta semana.",
    )
    actions.change_state(
        actor=officer,
        case=case,
        case_key=case_key,
        state="containment",
        note="Primera conversación acordada.",
    )
    actions.report(
        network=network,
        reporter=None,
        kind="discrimination",
        account="En una reunión virtual se excluyó a las compañeras de la toma de decisiones.",
    )
