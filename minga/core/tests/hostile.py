"""Hostile and awkward files, made at run time (nothing big is shipped): decompression bombs,
billion-laughs and XXE workbooks, forged zips, CSVs in every encoding, a CSV with a huge
field. Used by the intake's tests, the page and command tests, and bench/hostile_files.py."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

MiB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_START = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'


def _cell(column: int, row: int, text: str) -> str:
    letter = chr(ord("A") + column)
    return f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: Iterable[Iterable[str]], *, doctype: str = "", dimension: bool = True) -> str:
    """A worksheet's XML holding `rows` as inline strings."""
    table = [list(row) for row in rows]
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(c, r, text) for c, text in enumerate(row)) + "</row>"
        for r, row in enumerate(table, start=1)
    )
    width = max((len(row) for row in table), default=1)
    ref = f"A1:{chr(ord('A') + width - 1)}{max(len(table), 1)}"
    head = SHEET_START.replace("?>\n", "?>\n" + doctype) if doctype else SHEET_START
    dim = f'<dimension ref="{ref}"/>' if dimension else ""
    return f"{head}{dim}<sheetData>{body}</sheetData></worksheet>"


def xlsx(sheet: str | bytes | Iterable[bytes], *, sheet_name: str = "survey") -> bytes:
    """A minimal .xlsx around one worksheet's XML (given whole or as chunks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.replace("{sheet}", sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if isinstance(sheet, str | bytes):
            archive.writestr(
                "xl/worksheets/sheet1.xml", sheet if isinstance(sheet, bytes) else sheet.encode()
            )
        else:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                for chunk in sheet:
                    member.write(chunk)
    return buffer.getvalue()


def _block(noise: int, block_size: int, padding: int) -> bytes:
    """One MiB of worksheet rows (no row or cell references), `noise` of which vary."""
    generator = random.Random(noise)
    row = "<row>" + "<c><v>1</v></c>" * 20 + "</row>" + " " * padding
    rows = []
    size = 0
    while size < block_size - 4096:
        text = (
            row
            if generator.random() >= noise / 1000
            else row.replace("1", str(generator.random()), 1)
        )
        rows.append(text)
        size += len(text)
    return "".join(rows).encode()


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, raw deflate data, CRC-32, uncompressed size) entries."""
    out = bytearray()
    directory = bytearray()
    for name, deflated, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0
        )
        out += encoded + deflated
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(deflated),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


def bomb_xlsx(
    expanded: int, *, noise: int = 0, block_size: int = 2 * MiB, padding: int = 1100
) -> bytes:
    """An .xlsx whose only sheet expands to about `expanded` bytes, with no <dimension>
    element: the same MiB of rows, compressed once and repeated (each block is a full flush,
    so the copies are valid deflate). `noise` (per thousand rows) sets the ratio: 3 makes
    the issue's bomb, 3.5 MB expanding to 1.2 GB."""
    block = _block(noise, block_size, padding)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    start = (SHEET_START + "<sheetData>").encode()
    finish = b"</sheetData></worksheet>"
    count = max(1, expanded // len(block))
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = head.compress(start) + head.flush(zlib.Z_FULL_FLUSH)
    last = tail.compress(finish) + tail.flush()
    crc = zlib.crc32(start)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(finish, crc)
    size = len(start) + count * len(block) + len(finish)
    entries = [
        (member, raw_deflate(text.encode()), zlib.crc32(text.encode()), len(text.encode()))
        for member, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK.replace("{sheet}", "survey")),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        )
    ]
    entries.append(("xl/worksheets/sheet1.xml", first + packed * count + last, crc, size))
    return _zip(entries)


def lying_zip(data: bytes, member: str, declared: int) -> bytes:
    """`data` (a zip) with `member`'s uncompressed size forged to `declared` in both its
    local header and the central directory (the CRC no longer matches: zipfile stops at the
    declared size and says so)."""
    out = bytearray(data)
    encoded = member.encode()
    # Central directory entries: signature PK\x01\x02, uncompressed size at offset 24.
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack("<H", out[at + 28 : at + 30])[0]
        if bytes(out[at + 46 : at + 46 + name_length]) == encoded:
            out[at + 24 : at + 28] = struct.pack("<L", declared)
            local = struct.unpack("<L", out[at + 42 : at + 46])[0]
            out[local + 22 : local + 26] = struct.pack("<L", declared)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">'
        for i in range(1, 10)
    )
    + "]>\n"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def billion_laughs_xlsx() -> bytes:
    """A form whose survey sheet expands `&lol9;` (10⁹ "lol"s) in a cell."""
    return xlsx(sheet_xml([["type", "name"], ["text", "&lol9;"]], doctype=LAUGHS))


def xxe_xlsx() -> bytes:
    """A form whose survey sheet reads /etc/passwd into a cell through an external entity."""
    return xlsx(sheet_xml([["type", "name"], ["text", "&xxe;"]], doctype=XXE))


def huge_field_csv(size: int = 200_000) -> bytes:
    """A Kobo-style CSV whose second record opens a quotation mark and never closes it:
    one field of `size` characters."""
    return ("_uuid;country\nu1;co\nu2;" + '"' + "x" * size + "\n").encode()


def utf16_csv(bom: str = "utf-16") -> bytes:
    """A Kobo-style CSV in UTF-16 with its BOM (`utf-16` writes the machine's order, with the
    BOM; `utf-16-le`/`utf-16-be` give the order, and the BOM is written by hand)."""
    text = "_uuid;organization_name;country\nu1;Acción Solidaria;co\nu2;São Paulo Juntos;br\n"
    if bom == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if bom == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode("utf-16")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
