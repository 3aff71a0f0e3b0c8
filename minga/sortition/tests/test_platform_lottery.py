"""A lottery people can watch, on the platform: the coordinator makes the numbered panels
before publishing, they are published with the table's SHA-256, a number from dice (or the
seed) picks the row, and the page's verify command checks it with the table alone."""

from __future__ import annotations

import hashlib
import io
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from minga.sortition import actions
from minga.sortition.engine.lottery import number_from_seed, read_table
from minga.sortition.models import Draw

pytestmark = pytest.mark.django_db


def test_dice_pick_a_row_of_the_published_table(world, make_draw, client_as, tmp_path):
    draw = make_draw("computed")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=100)
    draw.refresh_from_db()
    table = draw.lottery_table.encode()
    assert hashlib.sha256(table).hexdigest() == draw.lottery_sha256
    assert draw.lottery_max_change is not None and draw.lottery_max_change <= draw.seats / 100
    with pytest.raises(ValidationError):  # not before publication
        actions.enter_number(actor=world.coordinator, draw=draw, number=7)
    actions.publish(actor=world.coordinator, draw=draw)
    with pytest.raises(ValidationError):  # the panels are numbered 00 to 99
        actions.enter_number(actor=world.coordinator, draw=draw, number=100)
    with pytest.raises(PermissionDenied):
        actions.enter_number(actor=world.member, draw=draw, number=7)
    actions.enter_number(actor=world.coordinator, draw=draw, number=7, note="Dos dados")
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    assert draw.panel == list(read_table(table)[7][1])
    # What the page tells anyone to run checks out, with the published table alone.
    page = client_as(world.member, "es").get(draw.get_absolute_url()).content.decode()
    assert draw.lottery_sha256 in page and "lottery.csv" in page
    downloaded = client_as(world.member).get(f"/n/red/sortition/{draw.pk}/lottery.csv")
    assert downloaded.content == table
    printable = client_as(world.member).get(f"/n/red/sortition/{draw.pk}/lottery.pdf")
    assert printable["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printable.content)).pages)
    assert draw.lottery_sha256 in text.replace("\n", "") and "99" in text
    (tmp_path / "lottery.csv").write_bytes(downloaded.content)
    out = StringIO()
    call_command(
        "sortition",
        "verify",
        "--lottery", str(tmp_path / "lottery.csv"),
        "--sha256", draw.lottery_sha256,
        "--number", "07",
        "--panel", ",".join(draw.panel),
        stdout=out,
    )  # fmt: skip
    assert out.getvalue().startswith("OK")


def test_a_seed_picks_the_documented_number(world, make_draw):
    draw = make_draw("computed")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=1000)
    actions.publish(actor=world.coordinator, draw=draw)
    actions.fix_seed(actor=world.coordinator, draw=draw, seed="38-12-07")
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw = Draw.objects.get(pk=draw.pk)
    expected = number_from_seed(draw.lottery_sha256, "38-12-07", 1000)
    assert (draw.number, draw.number_from) == (expected, "seed")
    assert draw.panel == list(read_table(draw.lottery_table.encode())[expected][1])


def test_new_quotas_drop_the_table(world, make_draw):
    from minga.sortition.actions import QuotaRow

    draw = make_draw("computed")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=10)
    actions.set_quotas(
        actor=world.coordinator,
        draw=draw,
        quotas=[QuotaRow("country", c, 1, 1) for c in ("AR", "BR", "CO")],
    )
    draw.refresh_from_db()
    assert draw.lottery_panels is None and draw.lottery_table == ""


def test_the_api_makes_the_table_and_takes_the_number(world, make_draw, api_as):
    draw = make_draw("computed")
    api = api_as(world.coordinator)
    made = api.post(f"/draws/{draw.pk}/lottery", {"panels": 100})
    assert made.status_code == 200, made.content
    assert made.json()["lottery_panels"] == 100
    # Before publication, only who manages draws sees the table.
    assert api_as(world.member).get(f"/draws/{draw.pk}/lottery").status_code == 404
    api.post(f"/draws/{draw.pk}/publish")
    table = api_as(world.member).get(f"/draws/{draw.pk}/lottery").json()
    assert hashlib.sha256(table["table"].encode()).hexdigest() == table["sha256"]
    assert api_as(world.member).put(f"/draws/{draw.pk}/number", {"number": 3}).status_code == 403
    assert api.put(f"/draws/{draw.pk}/number", {"number": 3}).status_code == 200
    drawn = api.post(f"/draws/{draw.pk}/draw").json()
    assert drawn["number"] == 3 and drawn["number_from"] == "physical"
    assert drawn["panel"] == list(read_table(table["table"].encode())[3][1])


def test_a_decline_after_the_dice_is_replaced_within_the_quotas(world, make_draw):
    from minga.sortition.engine.model import panel_violations

    draw = make_draw("computed")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=100)
    actions.publish(actor=world.coordinator, draw=draw)
    actions.enter_number(actor=world.coordinator, draw=draw, number=42)
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    decline = actions.decline(actor=world.coordinator, draw=draw, member_id=draw.panel[0])
    draw.refresh_from_db()
    assert decline.replacement_id and decline.replacement_id not in draw.panel
    assert not panel_violations(draw.instance(), draw.current_panel)
