"""One intake for every upload and import: what a file is, and whether it may be read.

Every file that comes in (a questionnaire, survey answers, a draw pool, and the imports to
come) passes here before a parser sees it:

- its kind is told by its content, never by its name (`sniff`);
- its size, and for a zip (an .xlsx is one) the entries' declared total uncompressed size,
  compression ratio and count, are checked from the central directory BEFORE anything is
  decompressed; then every part that will be read is decompressed in chunks, stopping past
  the bounds (a declared size can lie), and its XML is scanned: a DOCTYPE (entity expansion,
  external entities) is refused, rows and cells are counted as they come (the `<dimension>`
  element is never trusted), so openpyxl never meets a file that would exhaust the memory;
- text is decoded as UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, else
  Windows-1252/Latin-1; CSV records are bounded in field size, columns and rows.

Pure Python: no Django import, so the pure rule modules (`mapping/answers.py`,
`mapping/xlsform.py`) can use it. Messages are marked for translation and read in the
person's language through `IntakeError.message` wherever Django is running (the page, the
commands); elsewhere they read in English.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import enum
import hashlib
import io
import posixpath
import re
import struct
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal
from xml.parsers import expat

if TYPE_CHECKING:
    from openpyxl import Workbook

MiB = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MiB
MAX_ROWS = 200_000
MAX_UNCOMPRESSED_BYTES = 200 * MiB
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
# What a spreadsheet can hold at all (Excel's limits): past them a file is made to do harm.
MAX_COLUMNS = 16_384
MAX_SHEET_ROWS = 1_048_576
# Shared strings are all held in memory by openpyxl while a workbook is open.
MAX_SHARED_STRINGS = 1_000_000
# Cells of a workbook opened for editing (read_only=False) are all held in memory.
MAX_CELLS_IN_MEMORY = 1_000_000
# One physical line of a CSV; bounds the cells one record can make.
MAX_LINE_CHARS = 4 * MiB
# Small parts compress very well (an XML header, a style sheet): the ratio only counts past this.
RATIO_FLOOR_BYTES = 2 * MiB

CHUNK = MiB
SAMPLE_CHARS = MiB  # of a text file on disk, checked by `sniff_file` before it is read
_DIRECTORY_BYTES_PER_ENTRY = 300  # bounds the central directory zipfile would parse

Kind = Literal["xlsx", "xls", "zip", "csv"]


class _Upload(enum.Enum):
    LIMIT = "the configured upload limit"


UPLOAD_LIMIT = _Upload.LIMIT
"""`max_bytes` default: `MINGA_MAX_UPLOAD_BYTES` from Django's settings, else MAX_UPLOAD_BYTES."""


@dataclass(frozen=True)
class CellError:
    """A bad cell of an import, read as `row N, column C: value V: why` (`l10n.cell_message`);
    `why` is an untranslated template with `params`."""

    row: int
    column: str
    value: str
    why: str
    params: tuple[tuple[str, object], ...] = ()


def gettext_noop(message: str) -> str:
    """Marks a message for translation (`makemessages` collects it); `IntakeError.message`
    translates it where Django is running."""
    return message


_ = gettext_noop


def _translate(template: str) -> str:
    """Django's catalogue when Django is set up in this process, else the English text."""
    conf = sys.modules.get("django.conf")
    translation = sys.modules.get("django.utils.translation")
    if conf is None or translation is None or not conf.settings.configured:
        return template
    return str(translation.gettext(template))


def max_upload_bytes() -> int:
    """The largest upload accepted: the `MINGA_MAX_UPLOAD_BYTES` setting, else 20 MiB.
    Read when a file comes in, never at import time."""
    conf = sys.modules.get("django.conf")
    if conf is not None and conf.settings.configured:
        return int(getattr(conf.settings, "MINGA_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))
    return MAX_UPLOAD_BYTES


def size_text(size: int) -> str:
    """`20 MB`, `3.5 MB`, `812 KB`: sizes as a person reads them (powers of 1024)."""
    if size >= MiB:
        value = size / MiB
        return f"{value:,.0f} MB" if value >= 10 or value.is_integer() else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


class IntakeError(ValueError):
    """A file refused at the door. `message` is a sentence naming the file (and the sheet,
    row, column and value where known), in the active language where Django is running;
    `template` and `params` let a caller translate it otherwise."""

    def __init__(
        self,
        template: str,
        params: Mapping[str, object],
        *,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.template = template
        self.params = dict(params)
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        super().__init__(template % self.params)

    @property
    def message(self) -> str:
        return _translate(self.template) % self.params


def _refuse(
    template: str,
    name: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    **params: object,
) -> IntakeError:
    params = {"file": name, **params}
    if sheet is not None:
        params["sheet"] = sheet
    if row is not None:
        params["row"] = row
    if column is not None:
        params["column"] = column
    if value is not None:
        params["value"] = value
    return IntakeError(
        template, params, file=name, sheet=sheet, row=row, column=column, value=value
    )


# What a file is -------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_TABLES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", _("a PDF document")),
    (b"\x89PNG", _("an image")),
    (b"\xff\xd8\xff", _("an image")),
    (b"GIF8", _("an image")),
    (b"RIFF", _("an image or a sound")),
    (b"\x1f\x8b", _("a compressed (gzip) file")),
    (b"7z\xbc\xaf\x27\x1c", _("a compressed (7-Zip) file")),
    (b"Rar!", _("a compressed (RAR) file")),
    (b"BZh", _("a compressed (bzip2) file")),
    (b"\x7fELF", _("a program")),
    (b"MZ", _("a program")),
    (b"{\\rtf", _("a word-processor document")),
)
_ENCRYPTED_OLE2 = "EncryptedPackage".encode("utf-16-le")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MARKUP = re.compile(r"\A\s*<(\?xml|!doctype|html|table|head|body|workbook)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff(
    data: bytes,
    name: str,
    *,
    max_bytes: int | _Upload | None = UPLOAD_LIMIT,
    max_rows: int | None = MAX_ROWS,
) -> Kind:
    """The file's kind by its content: "xlsx", "xls", "zip" or "csv" (text).

    Refuses, with an `IntakeError` naming the file, what it cannot recognize or what is too
    big: more than `max_bytes` (default: the upload limit; None: no limit, for the command
    line), a zip whose entries declare too much, expand too far or are too many (checked
    from the central directory before anything is decompressed, then again while the parts
    are decompressed in chunks), an .xlsx whose XML declares a DOCTYPE or holds more rows
    or cells than a spreadsheet can, a text whose records break the CSV bounds (`csv_rows`).
    A file that passed is remembered (by its digest), so a parser opening it again through
    `open_workbook` does not repeat the work."""
    check_size(len(data), name, max_bytes)
    with io.BytesIO(data) as handle:
        return _sniff(handle, data[:8192], len(data), name, max_rows, data=data)


def sniff_file(
    path: Path,
    name: str | None = None,
    *,
    max_bytes: int | _Upload | None = None,
    max_rows: int | None = None,
) -> Kind:
    """`sniff` for a file on disk (the command line), in bounded memory: a zip's parts are
    decompressed in chunks and scanned as `sniff` does; a text's encoding is checked whole,
    but only its first MiB of records (`csv_file_rows` bounds the rest as it reads them: a
    long import is not read twice). By default no size or row limit (a file an operator
    chose, read as a stream), but every zip bound holds."""
    label = name or path.name
    try:
        size = path.stat().st_size
        check_size(size, label, max_bytes)
        with path.open("rb") as handle:
            head = handle.read(8192)
            handle.seek(0)
            return _sniff(handle, head, size, label, max_rows, path=path)
    except OSError as exc:
        raise _refuse(_("%(file)s cannot be read: %(detail)s"), label, detail=exc.strerror) from exc


def check_size(size: int, name: str, max_bytes: int | _Upload | None = UPLOAD_LIMIT) -> None:
    """Refuse an empty file, or one over `max_bytes` (default: the upload limit), from its
    size alone: an upload is refused before it is read."""
    limit = max_upload_bytes() if max_bytes is UPLOAD_LIMIT else max_bytes
    assert not isinstance(limit, _Upload)
    if size == 0:
        raise _refuse(_("%(file)s is empty."), name)
    if limit is not None and size > limit:
        raise _refuse(
            _("%(file)s is %(size)s, larger than the %(limit)s accepted."),
            name,
            size=size_text(size),
            limit=size_text(limit),
        )


def _sniff(
    handle: IO[bytes],
    head: bytes,
    size: int,
    name: str,
    max_rows: int | None,
    *,
    data: bytes | None = None,
    path: Path | None = None,
) -> Kind:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        key = _digest(handle, ("zip", max_rows))
        known = _CHECKED.get(key)
        if known is not None:
            return known.kind
        package = _inspect_zip(handle, size, name, max_rows)
        _remember(key, package)
        return package.kind
    if head.startswith(_OLE2):
        whole = data if data is not None else handle.read()
        if _ENCRYPTED_OLE2 in whole:
            raise _refuse(
                _("%(file)s is protected by a password: save it without one, then import it."),
                name,
            )
        return "xls"
    for magic, what in _NOT_TABLES:
        if head.startswith(magic):
            raise _not_a_table(name, what)
    if data is not None:
        text = decode_text(data, name)
        _check_markup(text[:4096], name)
        for _row in csv_rows(text, name, max_rows=max_rows):
            pass
    else:
        # A file on disk may be long: its encoding is checked whole (at C speed), its first
        # records here, and the rest while `csv_file_rows` reads it (with the same bounds).
        assert path is not None
        encoding = file_encoding(path, name)
        with path.open(encoding=encoding, newline="") as text_handle:
            sample = text_handle.read(SAMPLE_CHARS)
        _check_markup(sample[:4096], name)
        for _row in csv_rows(sample, name, max_rows=None):
            pass
    return "csv"


def _not_a_table(name: str, what: str) -> IntakeError:
    error = _refuse(
        _("%(file)s is %(what)s, not a table: Minga reads .xlsx, .xls and .csv files."),
        name,
        what=what,
    )
    error.params["what"] = _translate(what)
    return error


def _check_markup(start: str, name: str) -> None:
    if _MARKUP.match(start):
        raise _not_a_table(name, _("a web page or an XML document"))


# Text -----------------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> str:
    """The text of a file: UTF-8 with or without BOM, UTF-16 or UTF-32 with BOM, else
    Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves undefined). The BOM is
    dropped. Refuses binary content (NUL or other control bytes)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _bad_unicode(name, encoding, exc.start) from exc
            if "\x00" in text:
                raise _refuse(
                    _("%(file)s is not text: line %(line)d holds a NUL character."),
                    name,
                    line=text.count("\n", 0, text.index("\x00")) + 1,
                )
            return text
    _check_binary(data[: 64 * 1024], name, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _bad_unicode(name: str, encoding: str, offset: int) -> IntakeError:
    label = "UTF-16" if "16" in encoding else "UTF-32" if "32" in encoding else "UTF-8"
    return _refuse(
        _("%(file)s starts with a %(encoding)s mark, but its byte %(offset)d is not %(encoding)s."),
        name,
        encoding=label,
        offset=offset,
    )


def _check_binary(prefix: bytes, name: str, data: bytes | None) -> None:
    """NUL or other control bytes: a binary file (or UTF-16 without its BOM)."""
    if b"\x00" in prefix:
        offset = prefix.index(b"\x00")
        raise _refuse(
            _(
                "%(file)s is not text: line %(line)d holds a NUL byte (a binary file, or "
                "UTF-16 text without its byte-order mark)."
            ),
            name,
            line=_line_of(prefix, offset),
        )
    controls = len(_CONTROL.findall(prefix.decode("latin-1")))
    if controls > max(8, len(prefix) // 100):
        raise _refuse(_("%(file)s is not text: it holds many control bytes."), name)


_ENCODINGS: dict[tuple[object, ...], str] = {}


def file_encoding(path: Path, name: str | None = None) -> str:
    """The encoding of a text file on disk, chosen as `decode_text` chooses, reading the
    whole file in chunks (in bounded memory); a codec name for `open(..., encoding=...)`.
    Remembered while the file is unchanged (`sniff_file` then `csv_file_rows` read it once)."""
    status = path.stat()
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns, status.st_ino)
    known = _ENCODINGS.get(key)
    if known is None:
        known = _file_encoding(path, name or path.name)
        while len(_ENCODINGS) >= 8:
            del _ENCODINGS[next(iter(_ENCODINGS))]
        _ENCODINGS[key] = known
    return known


def _file_encoding(path: Path, label: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                _validate_stream(handle, head, encoding, label)
                return encoding
        _check_binary(head[: 64 * 1024], label, None)
        for encoding in ("utf-8", "cp1252"):
            handle.seek(0)
            try:
                _validate_stream(handle, handle.read(CHUNK), encoding, label)
            except IntakeError:
                continue
            return encoding
    return "latin-1"


def _validate_stream(handle: IO[bytes], head: bytes, encoding: str, name: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    chunk = head
    while True:
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise _refuse(
                _("%(file)s: byte %(offset)d is not %(encoding)s."),
                name,
                offset=offset + exc.start,
                encoding=encoding,
            ) from exc
        if not chunk:
            return
        offset += len(chunk)
        chunk = handle.read(CHUNK)


class _LongLine(Exception):
    pass


def _guarded(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if len(line) > MAX_LINE_CHARS:
            raise _LongLine
        yield line


def detect_delimiter(sample: str) -> str:
    """`,` `;` or tab: the one that splits the first record into the most columns."""
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            row = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(row) > best_count:
            best, best_count = delimiter, len(row)
    return best


_SEP_LINE = re.compile(r"\Asep=(.)\r?\n", re.IGNORECASE)


def csv_rows(
    text: str,
    name: str,
    *,
    delimiter: str | None = None,
    max_rows: int | None = MAX_ROWS,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each record of a CSV text, numbered as a spreadsheet shows
    them (the header is row 1); records whose cells are all blank are skipped. The delimiter
    (`,` `;` tab) is the one splitting the header into the most columns, unless given or
    declared by Excel's `sep=` first line. A field over the csv module's limit, a line over
    MAX_LINE_CHARS, a record of more than MAX_COLUMNS cells, or more than `max_rows` records
    after the header raise IntakeError naming the row."""
    declared = _SEP_LINE.match(text[:8])
    if declared:
        text = text[declared.end() :]
        delimiter = delimiter or declared.group(1)
    if delimiter is None:
        delimiter = detect_delimiter(text[: 64 * 1024])
    return _records(io.StringIO(text, newline=""), name, delimiter, max_rows)


def csv_file_rows(
    path: Path,
    name: str | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_rows: int | None = MAX_ROWS,
) -> Iterator[tuple[int, list[str]]]:
    """`csv_rows` for a file on disk, streamed (constant memory): the encoding is chosen as
    `decode_text` chooses (`file_encoding`), unless given."""
    label = name or path.name
    if encoding is None:
        encoding = file_encoding(path, label)
    handle = path.open(encoding=encoding, newline="")
    try:
        sample = handle.read(64 * 1024)
        declared = _SEP_LINE.match(sample[:8])
        handle.seek(0)
        if declared:
            handle.readline()
            delimiter = delimiter or declared.group(1)
        if delimiter is None:
            delimiter = detect_delimiter(sample)
        yield from _records(handle, label, delimiter, max_rows)
    finally:
        handle.close()


def _records(
    lines: Iterable[str], name: str, delimiter: str, max_rows: int | None
) -> Iterator[tuple[int, list[str]]]:
    limit = MAX_SHEET_ROWS * 1000 if max_rows is None else max_rows + 1
    number = 0
    reader = csv.reader(_guarded(lines), delimiter=delimiter)
    try:
        for cells in reader:
            number += 1
            if len(cells) > MAX_COLUMNS:
                raise _refuse(
                    _("%(file)s, row %(row)d: more than %(limit)d columns."),
                    name,
                    row=number,
                    limit=MAX_COLUMNS,
                )
            if not "".join(cells).strip():
                continue
            if number > limit:
                raise _too_many_rows(name, None, number, limit - 1)
            yield number, cells
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _refuse(
                _(
                    "%(file)s, row %(row)d: a cell is longer than %(limit)s characters "
                    "(is a quotation mark left open?)."
                ),
                name,
                row=number + 1,
                limit=f"{csv.field_size_limit():,}",
            ) from exc
        raise _refuse(
            _("%(file)s, row %(row)d: %(detail)s"), name, row=number + 1, detail=str(exc)
        ) from exc
    except _LongLine as exc:
        raise _refuse(
            _("%(file)s, row %(row)d: a line is longer than %(limit)s characters."),
            name,
            row=number + 1,
            limit=f"{MAX_LINE_CHARS:,}",
        ) from exc


def _too_many_rows(name: str, sheet: str | None, row: int, limit: int) -> IntakeError:
    if sheet is None:
        return _refuse(
            _("%(file)s has more than %(limit)s rows (row %(row)d is one too many)."),
            name,
            row=row,
            limit=f"{limit:,}",
        )
    return _refuse(
        _("%(file)s, sheet %(sheet)s has more than %(limit)s rows (row %(row)d is one too many)."),
        name,
        sheet=sheet,
        row=row,
        limit=f"{limit:,}",
    )


# Zips -----------------------------------------------------------------------------------------


@dataclass
class _Package:
    kind: Kind
    cells: int = 0
    sheets: dict[str, str] = field(default_factory=dict)  # part path → sheet name


_CHECKED: dict[tuple[object, ...], _Package] = {}


def _digest(handle: IO[bytes], params: tuple[object, ...]) -> tuple[object, ...]:
    handle.seek(0)
    hasher = hashlib.blake2b(digest_size=32)
    while chunk := handle.read(CHUNK):
        hasher.update(chunk)
    handle.seek(0)
    limits = (MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_ZIP_ENTRIES, MAX_SHARED_STRINGS)
    return (hasher.digest(), *params, *limits)


def _remember(key: tuple[object, ...], package: _Package) -> None:
    while len(_CHECKED) >= 8:
        del _CHECKED[next(iter(_CHECKED))]
    _CHECKED[key] = package


def _directory(handle: IO[bytes], size: int, name: str) -> None:
    """Bound the entry count and the central directory's size from the end record, before
    zipfile parses the directory into objects."""
    tail_size = min(size, 22 + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _damaged(name, "no end of central directory")
    fields = struct.unpack("<4s4H2LH", tail[at : at + 22])
    entries, directory_size = int(fields[4]), int(fields[5])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF or fields[6] == 0xFFFFFFFF:
        locator = tail[at - 20 : at] if at >= 20 else b""
        if not locator.startswith(b"PK\x06\x07"):
            raise _damaged(name, "ZIP64 end record missing")
        (offset,) = struct.unpack("<Q", locator[8:16])
        handle.seek(offset)
        record = handle.read(56)
        if not record.startswith(b"PK\x06\x06") or len(record) < 56:
            raise _damaged(name, "ZIP64 end record damaged")
        entries, directory_size = struct.unpack("<QQ", record[32:48])
    handle.seek(0)
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_ENTRIES * _DIRECTORY_BYTES_PER_ENTRY:
        raise _refuse(
            _("%(file)s holds %(count)s files; at most %(limit)s are accepted."),
            name,
            count=f"{entries:,}",
            limit=f"{MAX_ZIP_ENTRIES:,}",
        )


def _damaged(name: str, detail: str) -> IntakeError:
    return _refuse(_("%(file)s is a damaged zip archive (%(detail)s)."), name, detail=detail)


def _open_zip(handle: IO[bytes], size: int, name: str) -> zipfile.ZipFile:
    _directory(handle, size, name)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _damaged(name, str(exc)) from exc
    if len(archive.infolist()) > MAX_ZIP_ENTRIES:
        raise _refuse(
            _("%(file)s holds %(count)s files; at most %(limit)s are accepted."),
            name,
            count=f"{len(archive.infolist()):,}",
            limit=f"{MAX_ZIP_ENTRIES:,}",
        )
    return archive


def _package_kind(names: set[str], archive: zipfile.ZipFile, name: str) -> Kind:
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise _not_a_table(name, _("an OpenDocument file (save it as .xlsx)"))
    if "[Content_Types].xml" in names:
        if "xl/workbook.bin" in names:
            raise _not_a_table(name, _("a binary workbook (.xlsb; save it as .xlsx)"))
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise _not_a_table(name, _("an Office document that is not a workbook"))
    return "zip"


def _read_parts(kind: Kind, infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The parts that will be decompressed: all of a workbook's (openpyxl may read any),
    only the CSV files of a plain zip (media files beside them are never opened)."""
    if kind == "xlsx":
        return [i for i in infos if not i.is_dir()]
    return [i for i in infos if _is_table_member(i.filename)]


def _is_table_member(member: str) -> bool:
    return (
        member.lower().endswith((".csv", ".tsv", ".txt"))
        and not member.startswith("__MACOSX/")
        and not posixpath.basename(member).startswith(".")
    )


def _check_declared(parts: list[zipfile.ZipInfo], name: str) -> None:
    """The central directory's figures, before anything is decompressed."""
    seen: set[str] = set()
    total = compressed = 0
    for info in parts:
        if info.filename in seen:
            raise _refuse(_("%(file)s holds two parts named %(part)s."), name, part=info.filename)
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _refuse(
                _("%(file)s is protected by a password: save it without one, then import it."),
                name,
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(
                _("%(file)s, part %(part)s: compressed in a way spreadsheets never are."),
                name,
                part=info.filename,
            )
        total += info.file_size
        compressed += info.compress_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _expands(name, total)
    for info in parts:
        if info.file_size > RATIO_FLOOR_BYTES:
            _check_ratio(name, info.file_size, info.compress_size)
    if total > RATIO_FLOOR_BYTES:
        _check_ratio(name, total, compressed)


def _expands(name: str, size: int | None = None) -> IntakeError:
    """Declared (`size` known, before decompressing) or met while decompressing."""
    if size is None:
        return _refuse(
            _("%(file)s expands to more than the %(limit)s accepted."),
            name,
            limit=size_text(MAX_UNCOMPRESSED_BYTES),
        )
    return _refuse(
        _("%(file)s expands to %(size)s, larger than the %(limit)s accepted."),
        name,
        size=size_text(size),
        limit=size_text(MAX_UNCOMPRESSED_BYTES),
    )


def _check_ratio(name: str, size: int, compressed: int) -> None:
    ratio = size / max(compressed, 1)
    if ratio > MAX_COMPRESSION_RATIO:
        raise _refuse(
            _(
                "%(file)s is compressed %(ratio)s times, more than the %(limit)s times a real "
                "spreadsheet is (a decompression bomb?)."
            ),
            name,
            ratio=f"{ratio:,.0f}",
            limit=MAX_COMPRESSION_RATIO,
        )


class _Budget:
    """Bytes decompressed so far, across parts: enforced while decompressing, since a
    declared size can lie."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.used = 0

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        read = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    read += len(chunk)
                    self.used += len(chunk)
                    if read > info.file_size:
                        raise self.lied(info)
                    if self.used > MAX_UNCOMPRESSED_BYTES:
                        raise _expands(self.name)
                    yield chunk
        except IntakeError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            # zipfile stops a member at its declared size and then finds the CRC wrong.
            if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
                raise self.lied(info) from exc
            raise _damaged(self.name, f"{info.filename}: {exc}") from exc

    def lied(self, info: zipfile.ZipInfo) -> IntakeError:
        return _refuse(
            _("%(file)s, part %(part)s: holds more than its declared %(size)s (a forged zip)."),
            self.name,
            part=info.filename,
            size=size_text(info.file_size),
        )


def _inspect_zip(handle: IO[bytes], size: int, name: str, max_rows: int | None) -> _Package:
    with _open_zip(handle, size, name) as archive:
        infos = archive.infolist()
        kind = _package_kind({i.filename for i in infos}, archive, name)
        parts = _read_parts(kind, infos)
        _check_declared(parts, name)
        budget = _Budget(name)
        if kind != "xlsx":
            for info in parts:
                for _chunk in budget.chunks(archive, info):
                    pass
            return _Package(kind)
        package = _Package(kind, sheets=_sheet_names(archive, parts, budget))
        for info in parts:
            scanner = _XmlScanner(name, info.filename, package, max_rows)
            for chunk in budget.chunks(archive, info):
                scanner.feed(chunk)
            scanner.close()
        return package


# XML of a workbook ----------------------------------------------------------------------------

_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_TAGS = {f"{ns}}}{local}": local for ns in _NAMESPACES for local in ("row", "c", "si")}
_ROOTS = {f"{ns}}}{local}": local for ns in _NAMESPACES for local in ("worksheet", "sst")}
_DANGER = (
    b"<!DOCTYPE",
    b"<!ENTITY",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!DOCTYPE".encode("utf-16-be"),
)


class _XmlScanner:
    """Scans one part of a workbook as it is decompressed: refuses a DOCTYPE (the door to
    entity expansion and external entities; spreadsheets never carry one), counts a
    worksheet's rows and each row's cells, and the shared strings. A part that is not
    well-formed XML (VML drawings often are not) is only searched for a DOCTYPE."""

    def __init__(self, name: str, part: str, package: _Package, max_rows: int | None) -> None:
        self.name = name
        self.part = part
        self.package = package
        self.sheet = package.sheets.get(part, part)
        self.row_limit = MAX_SHEET_ROWS if max_rows is None else min(max_rows + 1, MAX_SHEET_ROWS)
        self.rows = self.filled_rows = self.cells = self.strings = 0
        self.row_number = 0
        self.xml = part.lower().endswith((".xml", ".rels"))
        self.tail = b""
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.parser.ExternalEntityRefHandler = self.external
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.root

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk[:64]
        if any(marker in window for marker in _DANGER) or any(m in chunk for m in _DANGER):
            raise self.doctype_error()
        self.tail = chunk[-64:]
        if self.xml:
            try:
                self.parser.Parse(chunk, False)
            except expat.ExpatError:
                self.xml = False  # openpyxl will refuse it if it ever reads this part

    def close(self) -> None:
        if self.xml:
            try:
                self.parser.Parse(b"", True)
            except expat.ExpatError:
                self.xml = False
        self.end_row()

    def doctype_error(self) -> IntakeError:
        return _refuse(
            _(
                "%(file)s, part %(part)s: declares a DOCTYPE (entity expansion or external "
                "entities), which spreadsheets never carry; the file was refused."
            ),
            self.name,
            part=self.part,
        )

    def doctype(self, *args: Any) -> None:
        raise self.doctype_error()

    def entity(self, *args: Any) -> None:
        raise self.doctype_error()

    def external(self, *args: Any) -> int:
        raise self.doctype_error()

    def root(self, tag: str, attrs: dict[str, str]) -> None:
        kind = _ROOTS.get(tag)
        if kind == "worksheet":
            self.parser.StartElementHandler = self.worksheet
        elif kind == "sst":
            self.parser.StartElementHandler = self.shared_strings
        else:
            self.parser.StartElementHandler = None

    def shared_strings(self, tag: str, attrs: dict[str, str]) -> None:
        if _TAGS.get(tag) == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise _refuse(
                    _("%(file)s holds more than %(limit)s distinct texts."),
                    self.name,
                    limit=f"{MAX_SHARED_STRINGS:,}",
                )

    def worksheet(self, tag: str, attrs: dict[str, str]) -> None:
        local = _TAGS.get(tag)
        if local == "c":
            self.cells += 1
            if self.cells > MAX_COLUMNS:
                raise _refuse(
                    _("%(file)s, sheet %(sheet)s, row %(row)d: more than %(limit)s cells."),
                    self.name,
                    sheet=self.sheet,
                    row=self.row_number,
                    limit=f"{MAX_COLUMNS:,}",
                )
        elif local == "row":
            self.end_row()
            self.rows += 1
            number = attrs.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            if self.rows > MAX_SHEET_ROWS or self.row_number > MAX_SHEET_ROWS:
                raise _too_many_rows(self.name, self.sheet, self.row_number, MAX_SHEET_ROWS)

    def end_row(self) -> None:
        if self.cells:
            self.filled_rows += 1
            self.package.cells += self.cells
            if self.filled_rows > self.row_limit:
                raise _too_many_rows(self.name, self.sheet, self.row_number, self.row_limit - 1)
        self.cells = 0


def _sheet_names(
    archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], budget: _Budget
) -> dict[str, str]:
    """Worksheet part path → the sheet's name, from the workbook and its relationships
    (small parts, read whole through the budget); empty when they cannot be read."""
    by_name = {info.filename: info for info in parts}
    workbook, rels = by_name.get("xl/workbook.xml"), by_name.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None or workbook.file_size + rels.file_size > 16 * MiB:
        return {}
    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def on_workbook(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("}sheet"):
            rid = next((v for k, v in attrs.items() if k.endswith("}id")), "")
            sheets.append((attrs.get("name", ""), rid))

    def on_rels(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("}Relationship"):
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    for info, handler in ((workbook, on_workbook), (rels, on_rels)):
        scanner = _XmlScanner("", info.filename, _Package("zip"), None)
        parser = scanner.parser
        parser.StartElementHandler = handler
        try:
            for chunk in budget.chunks(archive, info):
                if any(m in chunk for m in _DANGER):
                    return {}  # the full scan names the part
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (expat.ExpatError, IntakeError):
            return {}
    result = {}
    for sheet, rid in sheets:
        target = targets.get(rid, "")
        path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
        result[path] = sheet
    budget.used -= workbook.file_size + rels.file_size  # read again by the full scan
    return result


def zip_members(
    data: bytes,
    name: str,
    *,
    max_bytes: int | _Upload | None = UPLOAD_LIMIT,
) -> dict[str, bytes]:
    """The CSV (or .tsv, .txt) files of a zip, such as ODK Central's export with one file per
    repeat, by their path in the zip; other files (media) are never decompressed. The same
    bounds as `sniff`, enforced again while each member is decompressed in chunks."""
    kind = sniff(data, name, max_bytes=max_bytes, max_rows=None)
    if kind != "zip":
        raise _refuse(_("%(file)s is not a zip archive of CSV files."), name)
    members: dict[str, bytes] = {}
    with io.BytesIO(data) as handle, _open_zip(handle, len(data), name) as archive:
        parts = _read_parts("zip", archive.infolist())
        _check_declared(parts, name)
        budget = _Budget(name)
        for info in parts:
            members[info.filename] = b"".join(budget.chunks(archive, info))
    return members


# Workbooks ------------------------------------------------------------------------------------


def require_defusedxml() -> None:
    """openpyxl parses with defusedxml (refusing entity expansion and external entities)
    only when it is installed and OPENPYXL_DEFUSEDXML is not "False": never run without."""
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError(
            "openpyxl is not using defusedxml: install it and leave OPENPYXL_DEFUSEDXML unset"
        )


def open_workbook(
    data: bytes,
    name: str,
    *,
    read_only: bool = True,
    max_rows: int | None = MAX_ROWS,
    max_bytes: int | _Upload | None = None,
) -> Workbook:
    """An .xlsx workbook, opened by openpyxl (values, not formulas) after `sniff` has checked
    it (again, unless it has just passed). Read its sheets with `sheet_rows`. Close it when
    done (`workbook.close()`): a read-only workbook keeps the file open."""
    require_defusedxml()
    kind = sniff(data, name, max_bytes=max_bytes, max_rows=max_rows)
    if kind != "xlsx":
        raise _refuse(
            _("%(file)s is not an .xlsx workbook (it is read as %(kind)s)."), name, kind=kind
        )
    if not read_only:
        with io.BytesIO(data) as handle:
            package = _CHECKED.get(_digest(handle, ("zip", max_rows)))
        if package is not None and package.cells > MAX_CELLS_IN_MEMORY:
            raise _refuse(
                _("%(file)s holds more than %(limit)s cells, too many to open at once."),
                name,
                limit=f"{MAX_CELLS_IN_MEMORY:,}",
            )
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _unreadable(name, exc) from exc


def _unreadable(name: str, exc: Exception, sheet: str | None = None) -> IntakeError:
    chain: list[BaseException] = [exc]
    while (cause := chain[-1].__cause__ or chain[-1].__context__) and len(chain) < 10:
        chain.append(cause)
    root = chain[-1]
    detail = str(root).splitlines()[0] if str(root) else ""
    if any(type(error).__module__.startswith("defusedxml") for error in chain):
        return _refuse(
            _(
                "%(file)s declares XML entities (entity expansion or external entities), "
                "which spreadsheets never carry; the file was refused."
            ),
            name,
        )
    if sheet is not None:
        return _refuse(
            _("%(file)s, sheet %(sheet)s cannot be read (%(detail)s)."),
            name,
            sheet=sheet,
            detail=detail or type(exc).__name__,
        )
    return _refuse(
        _("%(file)s is not a readable .xlsx workbook (%(detail)s)."),
        name,
        detail=detail or type(exc).__name__,
    )


def cell_text(value: Any) -> str:
    """A cell's value as text: "" for empty, ISO dates (no time at midnight), whole numbers
    without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_rows(
    workbook: Workbook,
    sheet_name: str,
    name: str,
    *,
    max_rows: int | None = MAX_ROWS,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of a sheet's rows, numbered as the sheet shows them (the
    header is row 1); blank rows are skipped. The `<dimension>` element is not trusted: rows
    are counted as they are read, and more than `max_rows` rows after the header raise
    IntakeError naming the sheet and row. Errors met while the sheet's XML is parsed
    (lazily, in a read-only workbook) become IntakeError too."""
    if sheet_name not in workbook.sheetnames:
        raise _refuse(_("%(file)s has no sheet %(sheet)s."), name, sheet=sheet_name)
    sheet: Any = workbook[sheet_name]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # a read-only sheet would pad rows to a forged <dimension>
    limit = MAX_SHEET_ROWS if max_rows is None else max_rows + 1
    filled = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise _too_many_rows(name, sheet_name, number, MAX_SHEET_ROWS)
            cells = [cell_text(value) for value in values]
            if not "".join(cells).strip():
                continue
            filled += 1
            if filled > limit:
                raise _too_many_rows(name, sheet_name, number, limit - 1)
            yield number, cells
    except IntakeError:
        raise
    except Exception as exc:  # the sheet's XML is parsed while rows are read
        raise _unreadable(name, exc, sheet_name) from exc


def table_rows(
    data: bytes,
    name: str,
    *,
    max_bytes: int | _Upload | None = UPLOAD_LIMIT,
    max_rows: int | None = MAX_ROWS,
) -> Iterator[tuple[int, list[str]]]:
    """The rows of a one-table import (a CSV, or an .xlsx workbook's first sheet), numbered
    as a spreadsheet shows them (the header is row 1), after `sniff` has checked the file.
    An old .xls or a zip is refused with a message saying what to send instead."""
    kind = sniff(data, name, max_bytes=max_bytes, max_rows=max_rows)
    if kind == "csv":
        yield from csv_rows(decode_text(data, name), name, max_rows=max_rows)
        return
    if kind != "xlsx":
        raise _refuse(
            _(
                "%(file)s is neither a CSV file nor an .xlsx workbook: save it as one and "
                "import that."
            ),
            name,
        )
    workbook = open_workbook(data, name, max_rows=max_rows, max_bytes=max_bytes)
    try:
        yield from sheet_rows(workbook, workbook.sheetnames[0], name, max_rows=max_rows)
    finally:
        workbook.close()


# Documents and images (a resource library's files, an initiative's picture) -------------

# What a document's first bytes say it is: (signature, MIME type). Office files are zips.
_DOCUMENT_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
# Served inline (shown in the browser): images and PDF; anything else is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def document_type(data: bytes, name: str) -> str:
    """A document's type by its content, never its name: PDF, PNG, JPEG, GIF, WebP, a zip
    (.docx, .xlsx, .odt …, its entries checked as `sniff` checks them), an old Office
    file, or UTF-8/Windows-1252 text. Markup that a browser would run (HTML, SVG, XML) is
    refused; so is anything else unrecognized."""
    check_size(len(data), name)
    head = data[:16]
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            if kind == "application/zip":
                with io.BytesIO(data) as handle:
                    _inspect_zip(handle, len(data), name, None)
            return kind
    text = decode_text(data, name)
    if re.search(r"<\s*(!doctype|html|svg|\?xml|script)", text[:SAMPLE_CHARS], re.IGNORECASE):
        raise _refuse(
            _("%(file)s is a web page or markup: send it as PDF or a document instead."), name
        )
    return "text/plain"


MAX_IMAGE_PIXELS = 40_000_000  # decompression bombs stop here
MAX_IMAGE_SIDE = 1600  # modest phones: no page needs a bigger picture


def clean_image(data: bytes, name: str) -> tuple[bytes, str]:
    """A picture, re-encoded from its pixels (PNG, or JPEG for a photo), at most 1,600
    pixels a side: whatever else the file carried (metadata, a second format hidden in it)
    is gone. Refuses what is not a PNG, JPEG, GIF or WebP image, or is too large."""
    kind = document_type(data, name)
    if not kind.startswith("image/"):
        raise _refuse(_("%(file)s is not a picture (PNG, JPEG, GIF or WebP)."), name)
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _refuse(_("%(file)s has too many pixels."), name)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            photo = kind == "image/jpeg"
            picture = image.convert("RGB" if photo else "RGBA")
            out = io.BytesIO()
            picture.save(out, format="JPEG" if photo else "PNG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise _refuse(_("%(file)s is not a picture Minga can read."), name) from exc
    return out.getvalue(), "image/jpeg" if photo else "image/png"


# The extension a download gets is the one its content earns, not the one it was sent with:
# a text sent as "guia.hta" downloads as "guia.txt".
_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "text/plain": "txt",
}
_OFFICE = {
    "application/zip": ("docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"),
    "application/x-ole-storage": ("doc", "xls", "ppt"),
}


def download_extension(content_type: str, name: str) -> str:
    """The extension a file of this (detected) type downloads with: the one its content
    earns; for an office file, the name's own if it is one of that family."""
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    given = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    family = _OFFICE.get(content_type, ())
    return given if given in family else (family[-1] if family else "bin")
