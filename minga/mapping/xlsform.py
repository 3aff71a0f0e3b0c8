"""XLSForm questionnaires, read by pyxform, XLSForm's reference implementation.

XLSForm is the questionnaire format of KoboToolbox and ODK. pyxform reads the workbook (.xlsx
or .xls) and checks it as it checks a form before it becomes an XForm; what it accepts, Minga
accepts, and what it refuses is refused with its reason, located by sheet, row and column. The
form then becomes plain dataclasses (and back to JSON for storage), so the importer and the
statistics never touch the spreadsheet again. No Django import: the rules are tested directly.
Whoever takes a file from a person checks it through `minga.core.intake` first (size, zip
bombs); `read_form` still bounds what it hands pyxform (`MAX_FORM_BYTES`).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

SELECT_TYPES = ("select_one", "select_multiple")
NUMBER_TYPES = ("integer", "decimal", "range")
DATE_TYPES = ("date", "datetime", "start", "end", "today")
TIME_TYPES = ("time",)
POINT_TYPES = ("geopoint", "start-geopoint", "background-geopoint")
# Questions whose answers come from outside the form's choices sheet: answered, not tallied.
EXTERNAL_SELECT_TYPES = (
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
    "select_one_from_repeat",
    "select_multiple_from_repeat",
)
MEDIA_TYPES = ("image", "audio", "video", "file", "audit", "background-audio", "osm")
# Filled in by the device, not the person: they describe the submission.
METADATA_TYPES = (
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
)
VALUE_TYPES = (
    "text",
    *NUMBER_TYPES,
    "date",
    "time",
    "datetime",
    "geopoint",
    "geotrace",
    "geoshape",
    "barcode",
    "acknowledge",
    "calculate",
    "hidden",
    "rank",
    *EXTERNAL_SELECT_TYPES,
    *MEDIA_TYPES,
    *METADATA_TYPES,
)
QUESTION_TYPES = (*VALUE_TYPES, *SELECT_TYPES, "note")
# The types the first importer accepted and skipped: they stay out of `Form.structure`, so a
# survey imported then takes the same form again.
SKIPPED_TYPES = (
    "note",
    "calculate",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "hidden",
)
DEFAULT_LANGUAGE = "default"
# A form bigger than this, once unzipped, is no questionnaire: the largest published one
# tried (pyxform's spec test) unpacks to 2.2 MB, and pyxform holds every cell in memory (a
# 5 MB form of 28,000 choices reads in ~3 s, ~110 MB).
MAX_FORM_BYTES = 5 * 1024 * 1024
_LANGUAGE_COLUMN = re.compile(
    r"^label\s*::?\s*(?P<name>.*?)\s*(\((?P<code>[A-Za-z-]+)\))?\s*$", re.IGNORECASE
)
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FILE_EXTENSIONS = (".csv", ".xml", ".geojson")
_LAYOUT_NAMES = ("reserved_name_for_field_list_labels_", "generated_table_list_label_")


def gettext_noop(message: str) -> str:
    """Marks a message for translation (`makemessages` collects it); `_say` translates it."""
    return message


_ = gettext_noop


def _say(template: str, **params: object) -> str:
    """The sentence in the active language where Django is running (the page, the command),
    else in English: this module imports no Django, as `minga.core.intake` does not."""
    conf = sys.modules.get("django.conf")
    translation = sys.modules.get("django.utils.translation")
    if conf is not None and translation is not None and conf.settings.configured:
        template = str(translation.gettext(template))
    return template % params if params else template


class FormError(ValueError):
    """An invalid form; `messages` name the sheet, row and column of each problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return pick_label(self.labels, language) or self.name


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    labels: dict[str, str]
    list_name: str = ""
    required: bool = False
    relevant: str = ""
    group: tuple[str, ...] = ()
    # The innermost repeat group holding the question ("" outside repeats): its answers
    # come once per instance of that repeat, not once per submission.
    repeat: str = ""
    # What its answers, figures and parameters are keyed by: its name, or its group path
    # (`household/name`) where another question of the form has the same name (set by `Form`).
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def is_select(self) -> bool:
        return self.type in SELECT_TYPES

    @property
    def path(self) -> str:
        return "/".join((*self.group, self.name))

    def label(self, language: str) -> str:
        return pick_label(self.labels, language) or self.name


@dataclass
class Form:
    title: str
    languages: list[str]
    questions: list[Question]
    choices: dict[str, list[Choice]] = field(default_factory=dict)
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # The title in each language (`form_title::Español (es)` columns of the settings sheet);
    # `title` is the default one.
    titles: dict[str, str] = field(default_factory=dict)

    def title_in(self, language: str) -> str:
        """The title in the reader's language (`pt-br` finds `pt`), else the default one."""
        language = language.lower()
        for code in (language, language.split("-")[0]):
            if self.titles.get(code):
                return self.titles[code]
        return self.title or pick_label(self.titles, language)

    def all_titles(self) -> list[str]:
        """Every spelling of the title, the default one first."""
        return [t for t in dict.fromkeys([self.title, *self.titles.values()]) if t]

    def __post_init__(self) -> None:
        # pyxform allows one name in two groups: such questions are told apart by their paths.
        counts = Counter(q.name for q in self.questions)
        self.questions = [
            replace(q, key=q.name if counts[q.name] == 1 else q.path) for q in self.questions
        ]

    def question(self, key: str) -> Question | None:
        """The question with this key (its name, or its group path where names repeat)."""
        found = next((q for q in self.questions if q.key == key), None)
        if found is None and "/" in key:
            found = next((q for q in self.questions if q.path == key), None)
        return found

    def choices_of(self, question: Question) -> list[Choice]:
        return self.choices.get(question.list_name, [])

    def choice(self, question: Question, name: str) -> Choice | None:
        return next((c for c in self.choices_of(question) if c.name == name), None)

    def structure(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """What answers mean: names, types and choice names (labels may change freely)."""
        return [
            (q.key, q.type, tuple(c.name for c in self.choices_of(q)))
            for q in self.questions
            if q.type not in SKIPPED_TYPES
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "languages": self.languages,
            "questions": [
                {
                    "name": q.name,
                    "type": q.type,
                    "labels": q.labels,
                    "list_name": q.list_name,
                    "required": q.required,
                    "relevant": q.relevant,
                    "group": list(q.group),
                    "repeat": q.repeat,
                }
                for q in self.questions
            ],
            "choices": {
                list_name: [{"name": c.name, "labels": c.labels} for c in choices]
                for list_name, choices in self.choices.items()
            },
            "group_labels": self.group_labels,
            "titles": self.titles,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Form:
        return cls(
            title=data["title"],
            languages=list(data["languages"]),
            questions=[
                Question(
                    name=q["name"],
                    type=q["type"],
                    labels=dict(q["labels"]),
                    list_name=q["list_name"],
                    required=q["required"],
                    relevant=q["relevant"],
                    group=tuple(q["group"]),
                    repeat=q.get("repeat", ""),
                )
                for q in data["questions"]
            ],
            choices={
                name: [Choice(c["name"], dict(c["labels"])) for c in choices]
                for name, choices in data["choices"].items()
            },
            group_labels={k: dict(v) for k, v in data.get("group_labels", {}).items()},
            titles=dict(data.get("titles", {})),
        )


def language_code(column: str) -> str | None:
    """`label::Español (es)` → `es`; `label:english` → `english`; `label` → `default`;
    other columns → None."""
    if column.strip().lower() == "label":
        return DEFAULT_LANGUAGE
    match = _LANGUAGE_COLUMN.match(column.strip())
    if match is None:
        return None
    return (match.group("code") or match.group("name") or DEFAULT_LANGUAGE).lower()


def pick_label(labels: dict[str, str], language: str) -> str:
    """The label in the viewer's language (`pt-br` finds `pt`), else the first one given."""
    language = language.lower()
    candidates = [language, language.split("-")[0]]
    for code in candidates:
        if labels.get(code):
            return labels[code]
    for code, label in labels.items():
        if code.split("-")[0] == candidates[1] and label:
            return label
    return next((label for label in labels.values() if label), "")


# Reading ---------------------------------------------------------------------------------


def workbook_kind(data: bytes) -> str | None:
    """`xlsx` or `xls` by the file's first bytes (its content, not its name), else None."""
    if data.startswith(_XLSX_MAGIC):
        return "xlsx"
    if data.startswith(_XLS_MAGIC):
        return "xls"
    return None


def read_form(source: str | Path | bytes | IO[bytes], *, name: str | None = None) -> Form:
    """Parse an XLSForm workbook (.xlsx or .xls, told apart by content) with pyxform, or raise
    FormError naming each problem's sheet, row and column. The bytes go through the one
    intake first (`minga.core.intake.sniff`: size, zip bounds, XML entities); `name` is the
    file's name as the person knows it, for the messages."""
    if isinstance(source, str | Path):
        name = name or Path(source).name
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    label = name or "questionnaire"
    from minga.core import intake  # pure, as this module is; loaded when a form is read

    if workbook_kind(data) == "xlsx":
        _check_size(data, "xlsx", label)  # the archive's own directory: nothing unpacked yet
    try:
        kind = intake.sniff(data, label, max_bytes=MAX_FORM_BYTES)
    except intake.IntakeError as exc:
        raise FormError([exc.message]) from exc
    if kind not in ("xlsx", "xls"):
        raise FormError(
            [_say(_("%(file)s: not a readable .xlsx or .xls workbook (XLSForm)"), file=label)]
        )
    # pyxform loaded when a form is read, not when the app starts (it costs ~0.2 s).
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    definition: Any = None
    try:
        definition = get_xlsform(data, file_type=f".{kind}")
        # The title per language is Minga's to read: pyxform writes one title only.
        titles = _titles(definition)
        warnings: list[str] = []
        pyxform_json = workbook_to_json(definition, warnings=warnings)
        form = _form(pyxform_json, titles)
        # pyxform's whole check, as before it writes an XForm: types, names, references.
        create_survey_element_from_dict(pyxform_json).to_xml(
            validate=False, pretty_print=False, warnings=warnings
        )
    except PyXFormError as exc:
        message = _located(exc, definition, data, kind)
    except Exception as exc:  # pyxform fails on some broken forms with a bare KeyError etc.
        detail = f"{type(exc).__name__}: {exc}"
        if definition is None:
            message = _say(
                _("not a readable .%(kind)s workbook (%(detail)s)"), kind=kind, detail=detail
            )
        else:
            message = _say(_("pyxform could not read the form (%(detail)s)"), detail=detail)
    else:
        if form.questions:
            return form
        message = _say(_("sheet survey: the form has no questions"))
    raise FormError(
        [_say(_("%(file)s: %(message)s"), file=name, message=message) if name else message]
    )


def _check_size(data: bytes, kind: str, label: str) -> None:
    """The intake bounds every upload; a questionnaire is far smaller, once unpacked too."""
    if kind != "xlsx":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The sizes the archive declares: reading stops there, whatever the entries hold.
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormError(
            [
                _say(
                    _("%(file)s: not a readable .xlsx workbook (%(detail)s)"),
                    file=label,
                    detail=exc,
                )
            ]
        ) from exc
    if unpacked > MAX_FORM_BYTES:
        from minga.core.intake import size_text

        raise FormError(
            [
                _say(
                    _("%(file)s: larger than %(limit)s once unpacked: not a questionnaire"),
                    file=label,
                    limit=size_text(MAX_FORM_BYTES),
                )
            ]
        )


# pyxform's JSON → Minga's form ----------------------------------------------------------


def _form(pyxform_json: dict[str, Any], titles: tuple[str, dict[str, str]]) -> Form:
    languages: list[str] = []

    def labels_of(element: dict[str, Any]) -> dict[str, str]:
        raw = element.get("label")
        if raw is None or raw == "":
            return {}
        items = raw.items() if isinstance(raw, dict) else [(DEFAULT_LANGUAGE, raw)]
        labels: dict[str, str] = {}
        for language, text in items:
            code = language_code(f"label::{language}") or DEFAULT_LANGUAGE
            if code not in languages:
                languages.append(code)
            if text:
                labels[code] = str(text)
        return labels

    choices = {
        str(list_name): [Choice(str(c.get("name", "")), labels_of(c)) for c in items]
        for list_name, items in (pyxform_json.get("choices") or {}).items()
    }
    questions: list[Question] = []
    group_labels: dict[str, dict[str, str]] = {}

    def walk(children: list[dict[str, Any]], groups: tuple[str, ...], repeat: str) -> None:
        for child in children:
            kind = child.get("type", "")
            name = str(child.get("name", ""))
            if kind in ("group", "repeat", "loop"):
                if name == "meta" and (child.get("control") or {}).get("bodyless"):
                    continue  # pyxform's own instanceID (and audit), never answered
                group_labels[name] = labels_of(child)
                inner = name if kind == "repeat" else repeat
                walk(child.get("children") or [], (*groups, name), inner)
                continue
            if name.startswith(_LAYOUT_NAMES):
                continue  # the header row pyxform adds to a table-list group: never answered
            canonical, list_name = _type_of(child, choices)
            if canonical is None:
                continue  # csv-external / xml-external: declarations, not questions
            bind = child.get("bind") or {}
            questions.append(
                Question(
                    name=name,
                    type=canonical,
                    labels=labels_of(child),
                    list_name=list_name,
                    required=str(bind.get("required", "")).strip().lower()
                    in ("yes", "true", "1", "true()"),
                    relevant=str(bind.get("relevant", "") or ""),
                    group=groups,
                    repeat=repeat,
                )
            )

    walk(pyxform_json.get("children") or [], (), "")
    for items in choices.values():
        for choice in items:
            for code in choice.labels:
                if code not in languages:
                    languages.append(code)
    return Form(
        title=titles[0],
        titles=titles[1],
        languages=languages,
        questions=questions,
        choices=choices,
        group_labels=group_labels,
    )


# pyxform's JSON names a type as its question type dictionary does (`int`, `dateTime`,
# `photo`, `gps`, `q note`...): the XLSForm specification's name for each.
_BIND_TYPES = {
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "dateTime": "datetime",
    "time": "time",
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "barcode": "barcode",
    "odk:rank": "rank",
}
_MEDIA = {"image/*": "image", "audio/*": "audio", "video/*": "video", "osm/*": "osm"}
_SELECTS = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
}


def _type_of(child: dict[str, Any], choices: dict[str, list[Choice]]) -> tuple[str | None, str]:
    """(The question's XLSForm type, its choice list or file), None for a non-question."""
    kind = str(child.get("type", ""))
    itemset = str(child.get("itemset", "") or child.get("list_name", "") or "")
    if kind in ("csv-external", "xml-external"):
        return None, ""
    if kind in _SELECTS:
        select = _SELECTS[kind]
        if itemset in choices:
            return select, itemset
        if itemset.lower().endswith(_FILE_EXTENSIONS):
            return f"{select}_from_file", itemset
        return f"{select}_from_repeat", itemset  # `select_one ${question}`
    if kind == "select one external":
        return "select_one_external", itemset
    if kind == "rank":
        return "rank", itemset
    if kind == "osm":
        return "osm", itemset
    if kind in QUESTION_TYPES:
        return kind, ""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    entry = QUESTION_TYPE_DICT.get(kind, {})
    bind, control = entry.get("bind", {}), entry.get("control", {})
    preload = bind.get("jr:preloadParams")
    if preload:
        return str(preload).removeprefix("uri:"), ""
    if control.get("tag") == "trigger":
        return "acknowledge", ""
    if bind.get("readonly") == "true()":
        return "note", ""
    if control.get("mediatype"):
        return _MEDIA.get(control["mediatype"], "file"), ""
    if bind.get("type") in _BIND_TYPES:
        return _BIND_TYPES[bind["type"]], ""
    if bind.get("type") == "string":
        return ("text" if control else "calculate"), ""
    return kind, ""


def _titles(definition: Any) -> tuple[str, dict[str, str]]:
    """The settings sheet's `form_title` and its `form_title::Español (es)` columns: the
    default title (`form_title`, else the first language's) and the title per language.
    The per-language columns are taken out of `definition` (pyxform cannot write them)."""
    default = ""
    titles: dict[str, str] = {}
    for row in (definition.settings or [])[:1]:
        for key in [k for k in row if ":" in str(k)]:
            if str(key).partition(":")[0].strip().lower() in ("form_title", "set_form_title"):
                value = row.pop(key)
                code = language_code(f"label:{str(key).partition(':')[2]}")
                text = str(value or "").strip()
                if text and code and code != DEFAULT_LANGUAGE:
                    titles.setdefault(code, text)
        for key, value in row.items():
            text = str(value or "").strip()
            if not text:
                continue
            if str(key).strip().lower() in ("form_title", "set_form_title"):
                default = default or text
    return default or next(iter(titles.values()), ""), titles


# pyxform's reasons, located --------------------------------------------------------------

_ROW = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")
_SHEET = re.compile(r"[Oo]n the '([A-Za-z_]+)' sheet")
_COLUMN = re.compile(r"the '([A-Za-z_:]+)' value")
_MISSING_SHEET = re.compile(r"There should be an? (\w+) sheet|You must have a sheet named '(\w+)'")
_HEADERS_OF = re.compile(r"headers provided for sheet: '(\w+)'")
_DUPLICATE_HEADER = re.compile(r"^Duplicate column header: (.*)$")
_NAMED = re.compile(r"(?:named|name) '([^']+)'")
_UNKNOWN_TYPE = re.compile(r"^Unknown question type '(.*)'\.?$")
# Reasons that do not say which column they mean.
_COLUMN_OF_REASON = (
    ("Unknown question type", "type"),
    ("List name not in choices sheet", "type"),
    ("Unmatched 'begin_", "type"),
    ("Unmatched 'end_", "type"),
    ("Question or group with no name", "name"),
    ("Missing calculation", "calculation"),
)
_HEADER_ALIASES = {"list_name": ("list_name", "list name"), "calculation": ("calculation",)}


def _located(exc: Exception, definition: Any, data: bytes, kind: str) -> str:
    """pyxform's reason, after `sheet S, row R, column C: value V:` where it can tell."""
    context: dict[str, Any] = getattr(exc, "context", None) or {}
    reason = str(exc).strip()
    match = _ROW.match(reason)
    row = context.get("row") or (int(match.group(1)) if match else None)
    reason = _ROW.sub("", reason)
    sheet = context.get("sheet")
    column = context.get("column")
    if missing := _MISSING_SHEET.search(reason):
        sheet = missing.group(1) or missing.group(2)
        return _say(_("sheet %(sheet)s: missing: %(reason)s"), sheet=sheet, reason=reason)
    if found := _HEADERS_OF.search(reason):
        return _say(_("sheet %(sheet)s, row 1: %(reason)s"), sheet=found.group(1), reason=reason)
    if duplicate := _DUPLICATE_HEADER.match(reason):
        return _duplicate_header(duplicate.group(1).strip(), reason, definition, data, kind)
    if sheet is None and (found := _SHEET.search(reason)):
        sheet = found.group(1)
    if column is None and (found := _COLUMN.search(reason)):
        column = found.group(1)
    if column is None:
        column = next((c for start, c in _COLUMN_OF_REASON if reason.startswith(start)), None)
    unknown = _UNKNOWN_TYPE.match(reason)
    if row is None and unknown and definition is not None:
        for number, values in enumerate(definition.survey or [], start=2):
            if str(values.get("type", "")).strip() == unknown.group(1):
                row = number
                break
    named = _NAMED.search(reason)
    if row is None and sheet in (None, "survey") and named and definition is not None:
        for number, values in enumerate(definition.survey or [], start=2):
            if str(values.get("name", "")).strip() == named.group(1):
                row, column = number, column or "name"
                break
    if sheet is None and (row is not None or column is not None):
        sheet = "survey"
    if sheet is None:
        return reason
    where = [_say(_("sheet %(sheet)s"), sheet=sheet)]
    if row is not None:
        where.append(_say(_("row %(row)s"), row=row))
    value = None
    if column is not None:
        letter = _column_letter(data, kind, str(sheet), str(column))
        where.append(_say(_("column %(column)s"), column=letter or column))
        if row is not None and definition is not None:
            value = _cell(definition, str(sheet), int(row), str(column))
    place = ", ".join(where)
    if value:
        return _say(
            _("%(place)s: value %(value)s: %(reason)s"),
            place=place,
            value=repr(value),
            reason=reason,
        )
    return _say(_("%(place)s: %(reason)s"), place=place, reason=reason)


def _duplicate_header(header: str, reason: str, definition: Any, data: bytes, kind: str) -> str:
    for sheet in (definition.sheet_names if definition is not None else None) or _sheets(data):
        try:
            cells = [" ".join(str(c).split()) for c in _header_row(data, kind, sheet)]
        except Exception:  # the letter is a courtesy; the reason stands without it
            return reason
        if cells.count(header) > 1:
            second = cells.index(header, cells.index(header) + 1)
            return _say(
                _("%(place)s: value %(value)s: %(reason)s"),
                place=", ".join(
                    [
                        _say(_("sheet %(sheet)s"), sheet=sheet),
                        _say(_("row %(row)s"), row=1),
                        _say(_("column %(column)s"), column=_letters(second)),
                    ]
                ),
                value=repr(header),
                reason=reason,
            )
    return reason


def _sheets(data: bytes) -> list[str]:
    """The sheet names, when pyxform stopped before it listed them."""
    try:
        if workbook_kind(data) == "xls":
            import xlrd

            return list(xlrd.open_workbook(file_contents=data, on_demand=True).sheet_names())
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()
    except Exception:  # no names: the reason is shown without its place
        return []


def _matches(header: str, column: str) -> bool:
    wanted = _HEADER_ALIASES.get(column.lower(), (column.lower(),))
    return " ".join(header.split()).lower() in wanted


def _cell(definition: Any, sheet: str, row: int, column: str) -> str | None:
    rows = getattr(definition, sheet.lower(), None) or []
    if not 0 <= row - 2 < len(rows):
        return None
    for key, value in rows[row - 2].items():
        if _matches(str(key), column):
            return str(value)
    return None


def _column_letter(data: bytes, kind: str, sheet: str, column: str) -> str | None:
    """The column's letters in the sheet's first row (read again, on this error path only)."""
    try:
        header = _header_row(data, kind, sheet)
    except Exception:  # the workbook read once already; a second failure only costs the letter
        return None
    for index, value in enumerate(header):
        if value is not None and _matches(str(value), column):
            return _letters(index)
    return None


def _header_row(data: bytes, kind: str, sheet: str) -> list[Any]:
    if kind == "xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        names = {name.lower(): name for name in book.sheet_names()}
        if sheet.lower() not in names:
            return []
        return list(book.sheet_by_name(names[sheet.lower()]).row_values(0))
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        if sheet.lower() not in names:
            return []
        return list(next(workbook[names[sheet.lower()]].iter_rows(values_only=True), ()))
    finally:
        workbook.close()


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def write_form(form: Form, language_names: dict[str, str]) -> bytes:
    """The form as an XLSForm workbook (`language_names`: code → `Español` etc.)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    columns = [f"label::{language_names.get(code, code)} ({code})" for code in form.languages]
    survey.append(["type", "name", *columns, "required", "relevant"])
    repeats = {q.repeat for q in form.questions if q.repeat}
    open_groups: list[str] = []

    def close() -> None:
        name = open_groups.pop()
        survey.append(["end_repeat" if name in repeats else "end_group", name])

    for question in form.questions:
        while open_groups and tuple(open_groups) != question.group[: len(open_groups)]:
            close()
        for name in question.group[len(open_groups) :]:
            labels = form.group_labels.get(name, {})
            begin = "begin_repeat" if name in repeats else "begin_group"
            survey.append([begin, name, *[labels.get(c, "") for c in form.languages]])
            open_groups.append(name)
        written = question.type.removesuffix("_from_repeat")
        kind = f"{written} {question.list_name}" if question.list_name else written
        survey.append(
            [
                kind,
                question.name,
                *[question.labels.get(c, "") for c in form.languages],
                "yes" if question.required else "",
                question.relevant,
            ]
        )
    while open_groups:
        close()
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *columns])
    for list_name, items in form.choices.items():
        for choice in items:
            choices.append(
                [list_name, choice.name, *[choice.labels.get(c, "") for c in form.languages]]
            )
    settings = workbook.create_sheet("settings")
    translated = [code for code in form.languages if form.titles.get(code)]
    settings.append(
        [
            "form_title",
            *[f"form_title::{language_names.get(c, c)} ({c})" for c in translated],
            "default_language",
        ]
    )
    default = form.languages[0] if form.languages else ""
    settings.append(
        [
            form.title,
            *[form.titles[c] for c in translated],
            f"{language_names.get(default, default)} ({default})",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
