"""Systematization: counts, percents, crosstabs and grouped text answers. No Django import.

Answers are dicts `{question name: value}` as decoded by `minga.mapping.answers`
(select_multiple values are lists of choice names). Counts are additive, so a survey keeps a
`Tally` of all its answers, updated by each import, and only filtered views stream the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from minga.mapping.answers import fold
from minga.mapping.xlsform import Form


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


@dataclass
class Tally:
    """Counts of the select questions: respondents, answered, selections, per choice."""

    respondents: int = 0
    answered: Counter[str] = field(default_factory=Counter)
    selections: Counter[str] = field(default_factory=Counter)
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, answers: dict[str, Any], select_questions: Iterable[str]) -> None:
        self.respondents += 1
        for name in select_questions:
            self.add_value(name, answers.get(name))

    def add_value(self, name: str, value: Any, times: int = 1) -> None:
        """Count one question's answer `times` times (respondents are counted apart)."""
        if not value:
            return
        self.answered[name] += times
        if isinstance(value, list):
            self.selections[name] += len(value) * times
            counts = self.counts[name]
            for choice in value:
                counts[choice] += times
        else:
            self.counts[name][value] += times

    def merge(self, other: Tally) -> None:
        self.respondents += other.respondents
        self.answered.update(other.answered)
        self.selections.update(other.selections)
        for name, counts in other.counts.items():
            self.counts[name].update(counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "respondents": self.respondents,
            "answered": dict(self.answered),
            "selections": dict(self.selections),
            "counts": {name: dict(counts) for name, counts in self.counts.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        tally = cls(
            respondents=data.get("respondents", 0),
            answered=Counter(data.get("answered", {})),
            selections=Counter(data.get("selections", {})),
        )
        for name, counts in data.get("counts", {}).items():
            tally.counts[name] = Counter(counts)
        return tally


def select_names(form: Form) -> list[str]:
    return [q.name for q in form.questions if q.is_select]


def tally(form: Form, rows: Iterable[dict[str, Any]]) -> Tally:
    names = select_names(form)
    result = Tally()
    for answers in rows:
        result.add(answers, names)
    return result


def systematize(form: Form, counts: Tally) -> dict[str, Any]:
    """The contract's JSON: every select question, every choice (zeros included)."""
    questions: dict[str, Any] = {}
    for question in form.questions:
        if not question.is_select:
            continue
        answered = counts.answered.get(question.name, 0)
        chosen = counts.counts.get(question.name, Counter())
        entry: dict[str, Any] = {"type": question.type, "answered": answered}
        options: dict[str, Any] = {}
        if question.type == "select_multiple":
            selections = counts.selections.get(question.name, 0)
            entry["selections"] = selections
            for choice in form.choices_of(question):
                count = chosen.get(choice.name, 0)
                options[choice.name] = {
                    "count": count,
                    "percent": percent(count, answered),
                    "percent_of_selections": percent(count, selections),
                }
        else:
            for choice in form.choices_of(question):
                count = chosen.get(choice.name, 0)
                options[choice.name] = {"count": count, "percent": percent(count, answered)}
        entry["options"] = options
        questions[question.name] = entry
    return {"respondents": counts.respondents, "questions": questions}


def matches(answers: dict[str, Any], question: str, choice: str) -> bool:
    value = answers.get(question)
    if isinstance(value, list):
        return choice in value
    return value == choice


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def crosstab(
    form: Form, rows: Iterable[dict[str, Any]], row_question: str, col_question: str
) -> dict[str, dict[str, int]]:
    """`{row choice: {column choice: count}}` over respondents who answered both."""
    row_q, col_q = form.question(row_question), form.question(col_question)
    if row_q is None or col_q is None or not row_q.is_select or not col_q.is_select:
        raise ValueError("both questions must be select questions of the form")
    row_names = [c.name for c in form.choices_of(row_q)]
    col_names = [c.name for c in form.choices_of(col_q)]
    table = {r: dict.fromkeys(col_names, 0) for r in row_names}
    for answers in rows:
        row_values = _as_list(answers.get(row_question))
        col_values = _as_list(answers.get(col_question))
        for r in row_values:
            for c in col_values:
                table[r][c] += 1
    return table


def row_percents(table: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    result = {}
    for row, cells in table.items():
        total = sum(cells.values())
        result[row] = {col: percent(count, total) for col, count in cells.items()}
    return result


def top_texts(rows: Iterable[dict[str, Any]], question: str) -> list[dict[str, Any]]:
    """Text answers grouped ignoring case, accents and spaces, most frequent first; each group
    shows its most common spelling (ties: the first seen)."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for answers in rows:
        value = answers.get(question)
        if value is None or value == "":
            continue
        text = " ".join(str(value).split())
        if not text:
            continue
        groups[fold(text)][text] += 1
    pairs = [
        (spellings.most_common(1)[0][0], sum(spellings.values())) for spellings in groups.values()
    ]
    pairs.sort(key=lambda pair: (-pair[1], fold(pair[0])))
    return [{"value": value, "count": count} for value, count in pairs]


@dataclass
class NumberSummary:
    answered: int
    minimum: float | None
    mean: float | None
    maximum: float | None


def numbers(rows: Iterable[dict[str, Any]], question: str) -> NumberSummary:
    count, total = 0, 0.0
    low: float | None = None
    high: float | None = None
    for answers in rows:
        value = answers.get(question)
        if not isinstance(value, int | float):
            continue
        count += 1
        total += value
        low = value if low is None else min(low, value)
        high = value if high is None else max(high, value)
    return NumberSummary(count, low, round(total / count, 2) if count else None, high)
