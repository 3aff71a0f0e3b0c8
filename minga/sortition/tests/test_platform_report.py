"""One report per draw, PDF and CSV, in the network's language: the pool's hash, the quotas,
the algorithm, the distribution's and the table's hashes, the number or the seed, the panel
and each replacement."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from pypdf import PdfReader

from minga.sortition import actions
from minga.sortition.models import Draw

pytestmark = pytest.mark.django_db


def _report(client, draw):
    body = client.get(f"/n/red/sortition/{draw.pk}/report.csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_report_records_everything_needed_to_check_the_draw(
    world, make_draw, client_as, api_as
):
    world.network.languages = ["es"]
    world.network.save()
    draw = make_draw("computed")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=100)
    actions.publish(actor=world.coordinator, draw=draw)
    actions.enter_number(actor=world.coordinator, draw=draw, number=42)
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw = Draw.objects.get(pk=draw.pk)
    declined = draw.panel[0]
    decline = actions.decline(actor=world.coordinator, draw=draw, member_id=declined)
    draw = Draw.objects.get(pk=draw.pk)
    client = client_as(world.member, "en")  # the report is in the network's language
    people = client.get(f"/n/red/sortition/{draw.pk}/people.csv").content
    rows = _report(client, draw)
    assert rows[0] == ["Sección", "Elemento", "Valor"]
    values = {(section, item): value for section, item, value in rows[1:]}
    assert (
        values[("Grupo de candidatos", "SHA-256 de people.csv")]
        == hashlib.sha256(people).hexdigest()
    )
    assert values[("Algoritmo", "SHA-256 de la distribución")] == draw.distribution_sha256
    assert values[("Lotería", "SHA-256 de la tabla")] == draw.lottery_sha256
    assert values[("El sorteo", "Número sorteado")] == "42"
    quotas = [item for section, item, _value in rows if section == "Cupos"]
    assert len(quotas) == draw.quotas.count() and "País: Argentina" in quotas
    drawn = [value for section, _item, value in rows if section == "Panel sorteado"]
    assert drawn == draw.panel
    replacements = [value for section, _item, value in rows if section == "Reemplazos"]
    assert len(replacements) == 1 and "rechazó" in replacements[0]
    seated = [value for section, _item, value in rows if section == "Panel con asiento"]
    assert seated == draw.current_panel and decline.replacement_id in seated
    pdf = client.get(f"/n/red/sortition/{draw.pk}/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert draw.lottery_sha256 in text.replace("\n", "") and "Reemplazos" in text
    api_rows = api_as(world.member).get(f"/draws/{draw.pk}/report").json()
    assert [[r["section"], r["item"], r["value"]] for r in api_rows] == rows[1:]


def test_no_report_before_publication(world, make_draw, client_as, api_as):
    draw = make_draw("computed")
    assert (
        client_as(world.coordinator).get(f"/n/red/sortition/{draw.pk}/report.csv").status_code
        == 404
    )
    assert api_as(world.coordinator).get(f"/draws/{draw.pk}/report").status_code == 404
