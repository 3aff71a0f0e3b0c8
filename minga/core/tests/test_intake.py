"""The one intake: kinds by content, zip and XML bounds before and while reading, encodings,
CSV limits. Hostile files are made at run time (minga/core/tests/hostile.py)."""

from __future__ import annotations

import glob
import io
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from minga.core import intake
from minga.core.intake import IntakeError
from minga.core.tests import hostile

MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]


def refused(call: Any, *args: Any, **kwargs: Any) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        call(*args, **kwargs)
    return caught.value


def small_xlsx(rows: list[list[Any]], **sheet: Any) -> bytes:
    return hostile.xlsx(hostile.sheet_xml(rows, **sheet))


def openpyxl_xlsx(rows: list[list[Any]], title: str = "survey") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Kinds, by content --------------------------------------------------------------------------


def test_kinds_are_told_by_content_not_by_name():
    assert intake.sniff(openpyxl_xlsx([["a"]]), "answers.csv") == "xlsx"
    assert intake.sniff(b"a;b\n1;2\n", "answers.xlsx") == "csv"
    assert intake.sniff(zip_of({"data.csv": b"a,b\n"}), "export.xlsx") == "zip"
    assert intake.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "form.xlsx") == "xls"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "an image"),
        (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table>", "a web page"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "a web page or an XML document",
        ),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "OpenDocument"),
        (zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "Office"),
        (zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}), ".xlsb"),
    ],
)
def test_what_is_not_a_table_is_refused_by_name(data, what):
    error = refused(intake.sniff, data, "upload.csv")
    assert error.message.startswith("upload.csv is ")
    assert what in error.message


def test_binary_text_and_empty_files_are_refused():
    assert "NUL" in refused(intake.sniff, b"a,b\n\x00\x01\x02\x03", "x.csv").message
    assert "line 2" in refused(intake.sniff, b"a,b\n\x00\x01\x02\x03", "x.csv").message
    assert refused(intake.sniff, b"", "x.csv").message == "x.csv is empty."
    controls = bytes(range(1, 9)) * 20
    assert "control bytes" in refused(intake.sniff, controls, "x.csv").message


def test_a_password_protected_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    assert "password" in refused(intake.sniff, ole, "secret.xlsx").message


def test_the_upload_limit_comes_from_the_settings(settings):
    assert intake.max_upload_bytes() == 20 * MiB
    settings.MINGA_MAX_UPLOAD_BYTES = 1000
    assert intake.max_upload_bytes() == 1000
    error = refused(intake.sniff, b"a\n" * 600, "big.csv")
    assert error.message == "big.csv is 1 KB, larger than the 1000 B accepted."
    assert intake.sniff(b"a\n" * 600, "big.csv", max_bytes=None) == "csv"
    assert "larger than" in refused(intake.check_size, 1001, "big.csv").message


# Zips: the central directory before, the bytes while ----------------------------------------


def test_a_bomb_is_refused_from_its_central_directory_before_decompressing():
    bomb = hostile.bomb_xlsx(210 * MiB)  # a few hundred KB
    assert len(bomb) < 1 * MiB
    started = time.perf_counter()
    error = refused(intake.sniff, bomb, "bomb.xlsx")
    assert time.perf_counter() - started < 0.5
    assert error.message == "bomb.xlsx expands to 210 MB, larger than the 200 MB accepted."


def test_a_bomb_refusal_stays_in_bounded_memory():
    bomb = hostile.bomb_xlsx(210 * MiB)
    tracemalloc.start()
    try:
        refused(intake.sniff, bomb, "bomb.xlsx")
        refused(intake.open_workbook, bomb, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * MiB


def test_the_compression_ratio_is_bounded():
    data = zip_of({"data.csv": b"a,b\n" + b"1,1\n" * (MiB)})  # 4 MiB of one line: ~1000 times
    error = refused(intake.sniff, data, "export.zip")
    assert "compressed" in error.message
    assert "times" in error.message


def test_the_entry_count_is_bounded_before_the_directory_is_parsed(monkeypatch):
    monkeypatch.setattr(intake, "MAX_ZIP_ENTRIES", 5)
    data = zip_of({f"part{i}.csv": b"a\n" for i in range(6)})
    assert refused(intake.sniff, data, "many.zip").message == (
        "many.zip holds 6 files; at most 5 are accepted."
    )


def test_a_declared_size_that_lies_is_caught_while_decompressing():
    """The central directory says 1 KB; the member inflates to 250 MB. Reading stops after
    the declared size, in bounded memory."""
    forged = hostile.lying_zip(hostile.bomb_xlsx(250 * MiB), "xl/worksheets/sheet1.xml", 1024)
    tracemalloc.start()
    try:
        error = refused(intake.sniff, forged, "forged.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.message == (
        "forged.xlsx, part xl/worksheets/sheet1.xml: holds more than its declared 1 KB "
        "(a forged zip)."
    )
    assert peak < 8 * MiB


def test_the_uncompressed_total_is_enforced_again_while_decompressing(monkeypatch):
    data = zip_of({"a.csv": b"x,y\n" * 600_000, "b.csv": b"x,y\n" * 600_000})
    monkeypatch.setattr(intake, "MAX_UNCOMPRESSED_BYTES", 3 * MiB)
    monkeypatch.setattr(intake, "_check_declared", lambda parts, name: None)  # a lying directory
    assert refused(intake.sniff, data, "odk.zip").message == (
        "odk.zip expands to more than the 3 MB accepted."
    )


def test_damaged_duplicate_and_encrypted_zips_are_refused():
    assert "damaged" in refused(intake.sniff, b"PK\x03\x04" + bytes(100), "x.zip").message
    twice = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(twice, "w") as archive:
            archive.writestr("a.csv", "1")
            archive.writestr("a.csv", "2")
    assert "two parts named a.csv" in refused(intake.sniff, twice.getvalue(), "x.zip").message
    locked = bytearray(zip_of({"a.csv": b"1,2\n"}))
    locked[6] |= 1  # the local header's flag
    at = bytes(locked).find(b"PK\x01\x02")
    locked[at + 8] |= 1  # the central directory's flag
    assert "password" in refused(intake.sniff, bytes(locked), "x.zip").message


def test_zip_members_returns_the_csv_files_and_never_opens_the_media():
    media = hostile.bomb_xlsx(300 * MiB)  # beside the CSVs, as a photo would be: never read
    data = zip_of(
        {
            "survey.csv": b"KEY,name\nuuid:1,A\n",
            "survey-household.csv": b"PARENT_KEY,age\nuuid:1,4\n",
            "media/photo.jpg": media,
            "__MACOSX/._survey.csv": b"junk",
        },
        zipfile.ZIP_STORED,
    )
    members = intake.zip_members(data, "odk.zip", max_bytes=None)
    assert members == {
        "survey.csv": b"KEY,name\nuuid:1,A\n",
        "survey-household.csv": b"PARENT_KEY,age\nuuid:1,4\n",
    }
    assert (
        "not a zip archive of CSV"
        in refused(intake.zip_members, openpyxl_xlsx([["a"]]), "x.xlsx").message
    )


def test_zip_members_are_bounded():
    data = zip_of({"big.csv": b"a,b\n" * (60 * MiB)})  # 240 MiB declared
    assert refused(intake.zip_members, data, "odk.zip").message == (
        "odk.zip expands to 240 MB, larger than the 200 MB accepted."
    )


# The XML of a workbook ----------------------------------------------------------------------


def test_openpyxl_parses_with_defusedxml():
    """The second layer: were a DOCTYPE to pass the intake, openpyxl would refuse it."""
    assert openpyxl.xml.DEFUSEDXML is True
    intake.require_defusedxml()
    with pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(io.BytesIO(hostile.billion_laughs_xlsx()), read_only=True)
    assert type(caught.value.__cause__).__module__.startswith("defusedxml")
    assert intake._unreadable("x.xlsx", caught.value).message == (
        "x.xlsx declares XML entities (entity expansion or external entities), which "
        "spreadsheets never carry; the file was refused."
    )


@pytest.mark.parametrize(
    "data", [hostile.billion_laughs_xlsx(), hostile.xxe_xlsx()], ids=["laughs", "xxe"]
)
def test_entity_expansion_and_external_entities_are_refused(data):
    started = time.perf_counter()
    error = refused(intake.sniff, data, "form.xlsx")
    assert time.perf_counter() - started < 0.5
    assert error.message == (
        "form.xlsx, part xl/worksheets/sheet1.xml: declares a DOCTYPE (entity expansion or "
        "external entities), which spreadsheets never carry; the file was refused."
    )
    assert "DOCTYPE" in refused(intake.open_workbook, data, "form.xlsx").message


def test_a_doctype_is_found_in_any_part_and_in_utf16():
    laughs = hostile.LAUGHS + f'<sst xmlns="{hostile.MAIN}"><si><t>&lol9;</t></si></sst>'
    buffer = io.BytesIO(openpyxl_xlsx([["a"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", laughs.encode("utf-16"))
    assert "part xl/sharedStrings.xml" in refused(intake.sniff, buffer.getvalue(), "x").message


def test_a_row_with_more_cells_than_a_spreadsheet_has_is_refused():
    row = "".join(f"<c><v>{i}</v></c>" for i in range(intake.MAX_COLUMNS + 1))
    sheet = f'{hostile.SHEET_START}<sheetData><row r="1">{row}</row></sheetData></worksheet>'
    error = refused(intake.sniff, hostile.xlsx(sheet), "wide.xlsx")
    assert error.message == "wide.xlsx, sheet survey, row 1: more than 16,384 cells."


def test_rows_are_counted_as_they_come_not_read_from_the_dimension():
    rows = [["name"]] + [[f"r{i}"] for i in range(10)]
    data = small_xlsx(rows, dimension=False)
    assert intake.sniff(data, "x.xlsx", max_rows=10) == "xlsx"
    error = refused(intake.sniff, data, "x.xlsx", max_rows=9)
    assert error.message == "x.xlsx, sheet survey has more than 9 rows (row 11 is one too many)."
    beyond = f'{hostile.SHEET_START}<sheetData><row r="1048577"><c><v>1</v></c></row>'
    error = refused(intake.sniff, hostile.xlsx(beyond + "</sheetData></worksheet>"), "x.xlsx")
    assert "more than 1,048,576 rows (row 1048577" in error.message


def test_shared_strings_are_bounded(monkeypatch):
    monkeypatch.setattr(intake, "MAX_SHARED_STRINGS", 5)
    strings = "".join(f"<si><t>text {i}</t></si>" for i in range(6))
    buffer = io.BytesIO(openpyxl_xlsx([["a"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{hostile.MAIN}">{strings}</sst>')
    data = buffer.getvalue()
    assert "more than 5 distinct texts" in refused(intake.sniff, data, "x.xlsx").message


def test_a_workbook_checked_once_is_not_scanned_again(monkeypatch):
    data = openpyxl_xlsx([["type", "name"], ["text", "q"]])
    calls = []
    original = intake._inspect_zip

    def counted(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(intake, "_inspect_zip", counted)
    intake.sniff(data, "form.xlsx", max_rows=intake.MAX_ROWS)
    workbook = intake.open_workbook(data, "form.xlsx")
    workbook.close()
    assert len(calls) == 1


# Workbooks ----------------------------------------------------------------------------------


def test_sheet_rows_ignores_a_forged_dimension_and_skips_blank_rows():
    sheet = hostile.sheet_xml([["type", "name"], ["", ""], ["text", "q1"]]).replace(
        '<dimension ref="A1:B3"/>', '<dimension ref="A1:XFD1048576"/>'
    )
    workbook = intake.open_workbook(hostile.xlsx(sheet), "form.xlsx")
    started = time.perf_counter()
    rows = list(intake.sheet_rows(workbook, "survey", "form.xlsx"))
    assert time.perf_counter() - started < 1
    assert rows == [(1, ["type", "name"]), (3, ["text", "q1"])]
    workbook.close()


def test_sheet_rows_numbers_rows_as_the_sheet_does_and_bounds_them():
    data = openpyxl_xlsx([["name"], [None], [1.0], [2.5], ["x"]])
    workbook = intake.open_workbook(data, "x.xlsx")
    assert list(intake.sheet_rows(workbook, "survey", "x.xlsx")) == [
        (1, ["name"]),
        (3, ["1"]),
        (4, ["2.5"]),
        (5, ["x"]),
    ]
    error = refused(list, intake.sheet_rows(workbook, "survey", "x.xlsx", max_rows=2))
    assert error.message == "x.xlsx, sheet survey has more than 2 rows (row 5 is one too many)."
    assert refused(list, intake.sheet_rows(workbook, "nope", "x.xlsx")).message == (
        "x.xlsx has no sheet nope."
    )


def test_open_workbook_refuses_what_is_not_an_xlsx_and_bounds_editing(monkeypatch):
    assert "not an .xlsx workbook" in refused(intake.open_workbook, b"a,b\n", "x.csv").message
    monkeypatch.setattr(intake, "MAX_CELLS_IN_MEMORY", 3)
    data = openpyxl_xlsx([["a", "b"], ["c", "d"]])
    assert (
        "more than 3 cells"
        in refused(intake.open_workbook, data, "x.xlsx", read_only=False).message
    )
    intake.open_workbook(data, "x.xlsx").close()


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (3.0, "3"), (2.5, "2.5"), ("a", "a"), (True, "True")],
)
def test_cell_text(value, text):
    assert intake.cell_text(value) == text


def test_cell_text_of_dates():
    import datetime as dt

    assert intake.cell_text(dt.datetime(2024, 5, 1)) == "2024-05-01"
    assert intake.cell_text(dt.datetime(2024, 5, 1, 9, 30)) == "2024-05-01T09:30:00"
    assert intake.cell_text(dt.date(2024, 5, 1)) == "2024-05-01"


def test_published_workbooks_pass_and_read_as_openpyxl_reads_them():
    """Real questionnaires from the XLSForm, pyxform, KoboToolbox and HOT repositories
    (shipped by the forms' tests, with their sources) are accepted, and their rows read
    as openpyxl reads them, without the padding of a forged <dimension>."""
    paths = sorted(glob.glob(str(ROOT / "minga/mapping/tests/fixtures/forms/*.xls*")))
    paths.append(str(ROOT / "minga/mapping/forms/mapping-questionnaire.xlsx"))
    checked = 0
    for path in paths:
        data = Path(path).read_bytes()
        kind = intake.sniff(data, Path(path).name)
        assert kind == ("xls" if path.endswith(".xls") else "xlsx"), path
        if kind != "xlsx":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = intake.open_workbook(data, Path(path).name)
            reference = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in workbook.sheetnames:
            mine = [
                (n, _trim(r)) for n, r in intake.sheet_rows(workbook, sheet, "x", max_rows=None)
            ]
            ws: Any = reference[sheet]
            ws.reset_dimensions()
            theirs = [
                (n, _trim([intake.cell_text(v) for v in r]))
                for n, r in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            assert mine == [(n, r) for n, r in theirs if "".join(r).strip()], (path, sheet)
        workbook.close()
        reference.close()
        checked += 1
    assert checked >= 1


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


# Text ---------------------------------------------------------------------------------------

TEXT = "_uuid;organización;país\nu1;Acción Solidaria;Colômbia\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
        TEXT.encode("cp1252"),
        TEXT.encode("latin-1"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"],
)
def test_each_encoding_is_recognized(data, tmp_path):
    assert intake.decode_text(data, "x.csv") == TEXT
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert intake.sniff(data, "x.csv") == "csv"
    assert intake.sniff_file(path) == "csv"
    assert list(intake.csv_file_rows(path)) == [
        (1, ["_uuid", "organización", "país"]),
        (2, ["u1", "Acción Solidaria", "Colômbia"]),
    ]


def test_utf16_csv_headers_read_right():
    text = intake.decode_text(hostile.utf16_csv(), "kobo.csv")
    header = next(intake.csv_rows(text, "kobo.csv"))
    assert header == (1, ["_uuid", "organization_name", "country"])


def test_windows_1252_punctuation_and_latin1_fallback():
    assert intake.decode_text("“€”".encode("cp1252"), "x") == "“€”"
    assert intake.decode_text(b"a\x81b", "x") == "a\x81b"  # undefined in cp1252: Latin-1


def test_a_bom_that_lies_is_refused():
    error = refused(intake.decode_text, b"\xff\xfea\x00b", "x.csv")
    assert error.message == "x.csv starts with a UTF-16 mark, but its byte 4 is not UTF-16."


@pytest.mark.parametrize(
    ("text", "delimiter"), [("a;b;c\n1;2;3\n", ";"), ("a,b\n", ","), ("a\tb\n", "\t")]
)
def test_the_delimiter_is_the_one_splitting_the_header_most(text, delimiter):
    assert intake.detect_delimiter(text) == delimiter
    assert next(intake.csv_rows(text, "x"))[1] == text.split("\n")[0].split(delimiter)


def test_excel_sep_line_declares_the_delimiter():
    assert list(intake.csv_rows("sep=;\na;b,c\n1;2\n", "x")) == [(1, ["a", "b,c"]), (2, ["1", "2"])]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_ones_skipped():
    text = 'a,b\n\n"multi\nline",2\n , \n3,4\n'
    assert list(intake.csv_rows(text, "x")) == [
        (1, ["a", "b"]),
        (3, ["multi\nline", "2"]),
        (5, ["3", "4"]),
    ]


def test_a_field_over_the_csv_limit_names_the_row():
    error = refused(list, intake.csv_rows(hostile.huge_field_csv().decode(), "export.csv"))
    assert error.message == (
        "export.csv, row 3: a cell is longer than 131,072 characters "
        "(is a quotation mark left open?)."
    )
    assert error.row == 3


def test_long_lines_many_columns_and_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(intake, "MAX_LINE_CHARS", 100)
    error = refused(list, intake.csv_rows("a,b\n" + "x," * 60 + "\n", "x.csv"))
    assert error.message == "x.csv, row 2: a line is longer than 100 characters."
    monkeypatch.setattr(intake, "MAX_LINE_CHARS", 4 * MiB)
    monkeypatch.setattr(intake, "MAX_COLUMNS", 3)
    error = refused(list, intake.csv_rows("a,b\n1,2,3,4\n", "x.csv"))
    assert error.message == "x.csv, row 2: more than 3 columns."
    error = refused(list, intake.csv_rows("a\n1\n2\n3\n", "x.csv", max_rows=2))
    assert error.message == "x.csv has more than 2 rows (row 4 is one too many)."
    assert len(list(intake.csv_rows("a\n1\n2\n", "x.csv", max_rows=2))) == 3


def test_sniff_checks_the_csv_limits_before_any_parser(tmp_path):
    huge = hostile.huge_field_csv()
    assert "row 3: a cell is longer" in refused(intake.sniff, huge, "x.csv").message
    path = tmp_path / "x.csv"
    path.write_bytes(huge)
    assert "row 3: a cell is longer" in refused(intake.sniff_file, path).message


def test_sniff_file_reads_zips_from_disk_with_the_same_bounds(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(hostile.bomb_xlsx(210 * MiB))
    assert "bomb.xlsx expands to 210 MB" in refused(intake.sniff_file, path).message
    assert "cannot be read" in refused(intake.sniff_file, tmp_path / "missing.csv").message


# Messages -----------------------------------------------------------------------------------


def test_messages_are_translated_where_django_runs(monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(translation, "gettext", lambda text: text.replace("is empty", "está vacío"))
    error = refused(intake.sniff, b"", "x.csv")
    assert error.message == "x.csv está vacío."
    assert str(error) == "x.csv is empty."
    assert (error.template, error.params, error.file) == (
        "%(file)s is empty.",
        {"file": "x.csv"},
        "x.csv",
    )


def test_sniff_file_checks_a_long_text_s_start_and_reading_bounds_the_rest(tmp_path):
    path = tmp_path / "long.csv"
    good = "a;b\n" + "1;2\n" * 300_000  # past the sample sniff_file reads
    path.write_text(good + '3;"' + "x" * 200_000 + "\n", encoding="utf-8")
    assert intake.sniff_file(path) == "csv"
    error = refused(list, intake.csv_file_rows(path, max_rows=None))
    assert error.message == (
        "long.csv, row 300002: a cell is longer than 131,072 characters "
        "(is a quotation mark left open?)."
    )
