"""XLSForm questionnaires: read the `survey`, `choices` and `settings` sheets of an .xlsx.

XLSForm is the questionnaire format of KoboToolbox and ODK. A form read here becomes plain
dataclasses (and back to JSON for storage), so the importer and the statistics never touch
the spreadsheet again. No Django import: the rules are tested directly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

SELECT_TYPES = ("select_one", "select_multiple")
VALUE_TYPES = ("text", "integer", "decimal", "date")
QUESTION_TYPES = VALUE_TYPES + SELECT_TYPES
# Rows that hold no answer of their own; they are accepted and skipped.
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
_LANGUAGE_COLUMN = re.compile(r"^label::\s*(?P<name>.*?)\s*(\((?P<code>[A-Za-z-]+)\))?\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


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

    def question(self, name: str) -> Question | None:
        return next((q for q in self.questions if q.name == name), None)

    def choices_of(self, question: Question) -> list[Choice]:
        return self.choices.get(question.list_name, [])

    def choice(self, question: Question, name: str) -> Choice | None:
        return next((c for c in self.choices_of(question) if c.name == name), None)

    def structure(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """What answers mean: names, types and choice names (labels may change freely)."""
        return [(q.name, q.type, tuple(c.name for c in self.choices_of(q))) for q in self.questions]

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
        )


def language_code(column: str) -> str | None:
    """`label::Español (es)` → `es`; `label` → `default`; other columns → None."""
    if column == "label":
        return DEFAULT_LANGUAGE
    match = _LANGUAGE_COLUMN.match(column)
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_rows(workbook: Any, sheet: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A sheet's header (lowercased keys except label languages) and its non-empty rows."""
    rows = workbook[sheet].iter_rows(values_only=True)
    header = [_cell(value) for value in next(rows, ())]
    keys = [h if h.lower().startswith("label::") else h.lower() for h in header]
    result = []
    for number, row in enumerate(rows, start=2):
        values = {keys[i]: _cell(v) for i, v in enumerate(row) if i < len(keys) and keys[i]}
        if any(values.values()):
            result.append((number, values))
    return keys, result


def _column_letter(keys: list[str], key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(keys.index(key) + 1) if key in keys else "?"


def _labels(values: dict[str, str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, value in values.items():
        code = language_code(key)
        if code is not None and value:
            labels[code] = value
    return labels


def read_form(source: str | bytes | IO[bytes]) -> Form:
    """Parse an XLSForm workbook, or raise FormError naming each bad sheet, row and column."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    import openpyxl  # loaded when a form is read, not when the app starts

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is no workbook
        raise FormError([f"the form is not a readable .xlsx workbook ({exc})"]) from exc
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()


def _read_workbook(workbook: Any) -> Form:
    errors: list[str] = []
    sheets = {name.lower(): name for name in workbook.sheetnames}
    for needed in ("survey", "choices"):
        if needed not in sheets:
            errors.append(f"sheet {needed}: missing (an XLSForm has survey and choices sheets)")
    if errors:
        raise FormError(errors)
    choice_keys, choice_rows = _sheet_rows(workbook, sheets["choices"])
    for needed in ("list_name", "name"):
        if needed not in choice_keys:
            errors.append(f"sheet choices, row 1: missing column {needed}")
    if errors:
        raise FormError(errors)
    choices: dict[str, list[Choice]] = {}
    for number, values in choice_rows:
        list_name, name = values.get("list_name", ""), values.get("name", "")
        where = f"sheet choices, row {number}"
        if not list_name:
            column = _column_letter(choice_keys, "list_name")
            errors.append(f"{where}, column {column}: list_name is empty")
            continue
        if not name or " " in name:
            column = _column_letter(choice_keys, "name")
            errors.append(f"{where}, column {column}: value {name!r}: a choice name without spaces")
            continue
        existing = choices.setdefault(list_name, [])
        if any(c.name == name for c in existing):
            column = _column_letter(choice_keys, "name")
            errors.append(f"{where}, column {column}: value {name!r}: repeated in {list_name}")
            continue
        existing.append(Choice(name, _labels(values)))

    survey_keys, survey_rows = _sheet_rows(workbook, sheets["survey"])
    for needed in ("type", "name"):
        if needed not in survey_keys:
            errors.append(f"sheet survey, row 1: missing column {needed}")
    if errors:
        raise FormError(errors)
    questions: list[Question] = []
    group_labels: dict[str, dict[str, str]] = {}
    groups: list[str] = []
    repeats: list[str] = []  # the names in `groups` that are repeats
    seen: set[str] = set()
    type_column = _column_letter(survey_keys, "type")
    name_column = _column_letter(survey_keys, "name")
    for number, values in survey_rows:
        where = f"sheet survey, row {number}"
        raw_type = " ".join(values.get("type", "").split())
        name = values.get("name", "")
        kind, _space, list_name = raw_type.partition(" ")
        kind = kind.lower()
        if kind in ("begin_group", "begin_repeat") or raw_type.lower() in (
            "begin group",
            "begin repeat",
        ):
            if not name:
                errors.append(f"{where}, column {name_column}: a group needs a name")
            groups.append(name)
            if kind == "begin_repeat" or raw_type.lower() == "begin repeat":
                repeats.append(name)
            group_labels[name] = _labels(values)
            continue
        if kind in ("end_group", "end_repeat") or raw_type.lower() in ("end group", "end repeat"):
            if not groups:
                errors.append(f"{where}, column {type_column}: value {raw_type!r}: no open group")
            else:
                closed = groups.pop()
                if repeats and repeats[-1] == closed:
                    repeats.pop()
            continue
        if kind in SKIPPED_TYPES:
            continue
        if kind not in QUESTION_TYPES:
            errors.append(
                f"{where}, column {type_column}: value {raw_type!r}: "
                f"not a supported type ({', '.join(QUESTION_TYPES)})"
            )
            continue
        if not _NAME.match(name):
            errors.append(
                f"{where}, column {name_column}: value {name!r}: "
                "a name of letters, digits and underscores"
            )
            continue
        if name in seen:
            errors.append(f"{where}, column {name_column}: value {name!r}: repeated question name")
            continue
        seen.add(name)
        if kind in SELECT_TYPES:
            list_name = list_name.split(" ")[0] if list_name else ""
            if list_name not in choices:
                errors.append(
                    f"{where}, column {type_column}: value {raw_type!r}: "
                    f"no list {list_name!r} in the choices sheet"
                )
                continue
        else:
            list_name = ""
        questions.append(
            Question(
                name=name,
                type=kind,
                labels=_labels(values),
                list_name=list_name,
                required=values.get("required", "").lower() in ("yes", "true", "1", "true()"),
                relevant=values.get("relevant", ""),
                group=tuple(groups),
                repeat=repeats[-1] if repeats else "",
            )
        )
    if groups:
        errors.append(f"sheet survey: group {groups[-1]!r} is never closed (end_group)")
    if not questions and not errors:
        errors.append("sheet survey: the form has no questions")
    if errors:
        raise FormError(errors)
    title = ""
    if "settings" in sheets:
        _keys, settings_rows = _sheet_rows(workbook, sheets["settings"])
        if settings_rows:
            title = settings_rows[0][1].get("form_title", "")
    languages = _languages(survey_keys, choice_keys)
    return Form(
        title=title,
        languages=languages,
        questions=questions,
        choices=choices,
        group_labels=group_labels,
    )


def _languages(*headers: Iterable[str]) -> list[str]:
    codes: list[str] = []
    for header in headers:
        for key in header:
            code = language_code(key)
            if code is not None and code not in codes:
                codes.append(code)
    return codes


def write_form(form: Form, language_names: dict[str, str]) -> bytes:
    """The form as an XLSForm workbook (`language_names`: code → `Español` etc.)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    columns = [f"label::{language_names.get(code, code)} ({code})" for code in form.languages]
    survey.append(["type", "name", *columns, "required", "relevant"])
    open_groups: list[str] = []
    for question in form.questions:
        while open_groups and tuple(open_groups) != question.group[: len(open_groups)]:
            survey.append(["end_group", open_groups.pop()])
        for name in question.group[len(open_groups) :]:
            labels = form.group_labels.get(name, {})
            survey.append(["begin_group", name, *[labels.get(c, "") for c in form.languages]])
            open_groups.append(name)
        kind = f"{question.type} {question.list_name}" if question.is_select else question.type
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
        survey.append(["end_group", open_groups.pop()])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *columns])
    for list_name, items in form.choices.items():
        for choice in items:
            choices.append(
                [list_name, choice.name, *[choice.labels.get(c, "") for c in form.languages]]
            )
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "default_language"])
    default = form.languages[0] if form.languages else ""
    settings.append([form.title, f"{language_names.get(default, default)} ({default})"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
