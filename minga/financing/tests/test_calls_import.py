"""Importing calls: all or nothing with every bad cell named, re-imports update, a date
alone ends that day in the network's time zone, XLSX as CSV, the commands."""

from __future__ import annotations

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from minga.core import actions as core_actions
from minga.core.permissions import SYSTEM
from minga.financing import actions
from minga.financing.models import Call, Funder

HEADER = (
    "title,funder,source_type,themes,countries,org_types,amount_min,amount_max,currency,"
    "deadline,url,criteria,joint_allowed\n"
)
GOOD = (
    HEADER + "Jóvenes que inciden,Embajada de Suecia,international_cooperation,"
    "citizen-participation;environment,CO;br,ngo;foundation,5000,20000,usd,2027-03-31,"
    "https://example.org/a,Dos socias al menos,true\n"
    + "Datos abiertos,Banco Sur,private,,,,,15000.50,USD,2027-04-15T17:00:00-03:00,,,false\n"
)


def _import(world, text, *, name="calls.csv", actor=None):
    return actions.import_calls(
        actor=actor or world.coordinator, network=world.network, data=text.encode(), name=name
    )


def test_a_good_file_adds_every_call_with_its_lists_and_deadline(world):
    core_actions.update_network(actor=SYSTEM, network=world.network, time_zone="America/Bogota")
    world.network.refresh_from_db()
    assert _import(world, GOOD) == (2, 0)
    call = Call.objects.get(title="Jóvenes que inciden")
    assert call.funder.source_type == "international_cooperation"
    assert sorted(t.slug for t in call.themes.all()) == ["citizen-participation", "environment"]
    assert (call.countries, call.org_types, call.currency) == (
        ["CO", "BR"],
        ["ngo", "foundation"],
        "USD",
    )
    assert call.joint_allowed is True
    # A date alone: the end of that day in the network's time zone, not UTC's.
    local = call.deadline.astimezone(ZoneInfo("America/Bogota"))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2027-03-31", 23, 59)
    other = Call.objects.get(title="Datos abiertos")
    assert other.deadline == datetime(2027, 4, 15, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert str(other.amount_max) == "15000.50" and other.amount_min is None


def test_re_importing_the_same_call_updates_it_instead_of_adding_it_again(world):
    _import(world, GOOD)
    changed = GOOD.replace("5000,20000", "6000,30000").replace("Dos socias al menos", "Tres")
    assert _import(world, changed) == (0, 2)
    assert Call.objects.filter(network=world.network).count() == 2
    call = Call.objects.get(title="Jóvenes que inciden")
    assert (str(call.amount_max), call.criteria) == ("30000.00", "Tres")
    assert Funder.objects.filter(network=world.network).count() == 2


def test_one_bad_cell_stores_nothing_and_every_bad_cell_is_named(world):
    _import(world, GOOD)
    before = list(Call.objects.values_list("pk", "title", "amount_max"))
    bad = (
        HEADER
        + "Nueva,Fondo X,national_public,,,,,,,2027-05-01,,,true\n"
        + "Mala,Fondo X,state,no-such-theme,XX,church,10.000,5,US,31/05/2027,ftp://x,,maybe\n"
    )
    with pytest.raises(ValidationError) as caught:
        _import(world, bad)
    messages = caught.value.message_dict["file"]
    for expected in (
        "row 3, column source_type: value 'state': not one of national_public",
        "row 3, column themes: value 'no-such-theme': unknown theme no-such-theme",
        "row 3, column countries: value 'XX': XX is not an ISO 3166 country code",
        "row 3, column org_types: value 'church': unknown kind of organization church",
        "row 3, column amount_min: value '10.000': write the amount with digits only",
        "row 3, column currency: value 'US': not a three-letter ISO 4217 code",
        "row 3, column deadline: value '31/05/2027': not an ISO 8601 date",
        "row 3, column url: value 'ftp://x': not a web address",
        "row 3, column joint_allowed: value 'maybe': write true or false",
    ):
        assert any(m.startswith(expected) for m in messages), (expected, messages)
    # The good row 2 was not stored either, and nothing else changed.
    assert list(Call.objects.values_list("pk", "title", "amount_max")) == before
    assert not Funder.objects.filter(name="Fondo X").exists()


def test_errors_read_in_the_persons_language(world):
    bad = HEADER + "Mala,Fondo X,state,,,,,,,2027-05-01,,,true\n"
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        _import(world, bad)
    (message,) = caught.value.message_dict["file"]
    assert message.startswith("fila 2, columna source_type: valor 'state': ")


def test_a_missing_required_column_is_named(world):
    with pytest.raises(ValidationError) as caught:
        _import(world, "title,funder\nA,B\n")
    assert "source_type, deadline" in caught.value.message_dict["file"][0]


def test_the_same_call_twice_in_one_file_is_refused_on_the_second_row(world):
    row = "A,F,private,,,,,,,2027-01-01,,,false\n"
    with pytest.raises(ValidationError) as caught:
        _import(world, HEADER + row + row)
    assert caught.value.message_dict["file"][0].startswith("row 3, column title: value 'A'")


def test_an_xlsx_workbook_imports_like_a_csv(world):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    assert actions.import_calls(
        actor=world.coordinator, network=world.network, data=buffer.getvalue(), name="c.xlsx"
    ) == (2, 0)


def test_a_file_that_is_not_a_table_is_refused_by_the_intake(world):
    with pytest.raises(ValidationError) as caught:
        actions.import_calls(
            actor=world.coordinator, network=world.network, data=b"PK\x03\x04junk", name="x.csv"
        )
    assert "x.csv" in caught.value.message_dict["file"][0]
    assert not Call.objects.exists()


def test_only_who_manages_funding_imports(world):
    with pytest.raises(PermissionDenied):
        _import(world, GOOD, actor=world.member)
    assert _import(world, GOOD, actor=world.treasurer) == (2, 0)


def test_the_import_command_and_the_match_command(world, tmp_path, capsys):
    path = tmp_path / "calls.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("funding", "import-calls", "--network", "red", str(path))
    assert "2 calls added, 0 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A,F,nope,,,,,,,2027-01-01,,,false\n", encoding="utf-8")
    # Messages in the network's first language (Spanish here).
    with pytest.raises(CommandError, match="fila 2, columna source_type"):
        call_command("funding", "import-calls", "--network", "red", str(bad))
    call_command("funding", "match", "--network", "red", "--json", "--language", "en")
    rows = json.loads(capsys.readouterr().out)
    assert [set(row) for row in rows] == [{"call", "title", "score", "reasons"}] * 2
    assert all(isinstance(row["score"], float) and len(row["reasons"]) == 5 for row in rows)
    call_command(
        "funding", "match", "--network", "red", "--organization", str(world.org_a.pk), "--json"
    )
    for_a = json.loads(capsys.readouterr().out)
    # Fundación A works on citizen participation in Colombia: the first call fits it.
    assert for_a[0]["title"] == "Jóvenes que inciden"
    assert for_a[0]["score"] >= for_a[-1]["score"]


def test_a_csv_saved_by_a_spanish_spreadsheet_imports(world):
    """Excel in Spanish or Portuguese saves `;`-separated Windows-1252 text, with cents
    after a comma and the `;` lists quoted."""
    text = (
        "title;funder;source_type;themes;countries;org_types;amount_min;amount_max;currency;"
        "deadline;url;criteria;joint_allowed;cofinancing\r\n"
        'Niñez y participación;Fundación Ñandú;private;citizen-participation;"COL;BRA";ngo;'
        "1500,5;20000;EUR;2027-06-30;;Cofinanciación del 20 %;false;20\r\n"
    )
    added, _updated = actions.import_calls(
        actor=world.coordinator,
        network=world.network,
        data=text.encode("cp1252"),
        name="convocatorias.csv",
    )
    assert added == 1
    call = Call.objects.get()
    assert (call.title, call.funder.name) == ("Niñez y participación", "Fundación Ñandú")
    assert call.countries == ["CO", "BR"]
    assert (str(call.amount_min), str(call.cofinancing)) == ("1500.50", "20.00")


def test_an_ambiguous_thousands_comma_is_refused_not_misread(world):
    with pytest.raises(ValidationError) as caught:
        _import(world, HEADER + 'A,F,private,,,,,"10,000",USD,2027-01-01,,,false\n')
    assert caught.value.message_dict["file"][0].startswith(
        "row 2, column amount_max: value '10,000': write the amount with digits only"
    )


def test_re_import_identity_ignores_letter_case_beyond_ascii(world):
    _import(world, GOOD)
    shouted = GOOD.replace("Jóvenes que inciden", "JÓVENES QUE INCIDEN").replace(
        "Embajada de Suecia", "EMBAJADA DE SUECIA"
    )
    assert _import(world, shouted) == (0, 2)
    assert Call.objects.filter(network=world.network).count() == 2


def test_a_compact_iso_date_is_a_date_alone_and_a_blank_cofinancing_clears_it(world):
    header = HEADER.rstrip("\n") + ",cofinancing\n"
    _import(world, header + "A,F,private,,,,,,,20270331,,,false,25\n")
    call = Call.objects.get()
    local = call.deadline.astimezone(ZoneInfo(world.network.time_zone))
    assert (local.date().isoformat(), local.hour) == ("2027-03-31", 23)
    assert str(call.cofinancing) == "25.00"
    _import(world, header + "A,F,private,,,,,,,20270331,,,false,\n")
    call.refresh_from_db()
    assert call.cofinancing is None
