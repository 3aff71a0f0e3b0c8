"""Systematization: counts, percents, crosstabs and grouped text answers. No Django import.

Answers are dicts `{question key: value}` as decoded by `minga.mapping.answers`
(select_multiple values are lists of choice names). Counts are additive, so a survey keeps a
`Tally` of all its answers, updated by each import, and only filtered views stream the rows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import ChainMap, Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from minga.mapping.answers import fold, parse_date
from minga.mapping.xlsform import (
    DATE_TYPES,
    EXTERNAL_SELECT_TYPES,
    NUMBER_TYPES,
    POINT_TYPES,
    TIME_TYPES,
    Form,
    Question,
)

# How a histogram writes its numbers (None: plainly, as `_format` does).
NumberFormat = Callable[[float], str] | None


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


# Repeats: a question inside a repeat group is answered once per instance. The instances are
# a list of answer dicts under the repeat's name, nested repeats inside their parents' ones.


def _is_instances(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def units(answers: Mapping[str, Any], repeat: str = "") -> Iterator[Mapping[str, Any]]:
    """What a question of `repeat` is counted over: each instance of that repeat in a
    submission's answers, in order (the submission itself outside repeats). Each instance
    also reads its parents' answers (a ChainMap), so a crosstab can pair them."""
    if not repeat:
        yield answers
        return
    yield from _scoped(answers, repeat, (answers,))


def _scoped(
    answers: Mapping[str, Any], repeat: str, chain: tuple[Any, ...]
) -> Iterator[Mapping[str, Any]]:
    for key, value in answers.items():
        if not _is_instances(value):
            continue
        for instance in value:
            if key == repeat:
                yield ChainMap(instance, *chain)
            else:
                yield from _scoped(instance, repeat, (instance, *chain))


def values(answers: Mapping[str, Any], question: str, repeat: str = "") -> Iterator[Any]:
    """The question's non-empty answers in a submission: one, or one per repeat instance."""
    if not repeat:
        value = answers.get(question)
        if value is not None and value != "":
            yield value
        return
    for unit in units(answers, repeat):
        value = unit.get(question)
        if value is not None and value != "":
            yield value


@dataclass
class Tally:
    """Counts of the select questions: respondents, answered, selections, per choice."""

    respondents: int = 0
    answered: Counter[str] = field(default_factory=Counter)
    selections: Counter[str] = field(default_factory=Counter)
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # Repeats: instances of each repeat, submissions holding at least one; for a question in
    # a repeat, the submissions where some instance answered it or chose each choice.
    instances: Counter[str] = field(default_factory=Counter)
    with_instances: Counter[str] = field(default_factory=Counter)
    answered_submissions: Counter[str] = field(default_factory=Counter)
    submission_counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

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

    def add_repeated(
        self,
        answers: Mapping[str, Any],
        repeats: Iterable[str],
        questions: Iterable[tuple[str, str]],
    ) -> None:
        """Count a submission's repeats: its instances of each of `repeats`, and each
        `(question, repeat)` select answered in them, over instances and over submissions
        (respondents are counted apart)."""
        for repeat in repeats:
            found = sum(1 for _unit in units(answers, repeat))
            if found:
                self.instances[repeat] += found
                self.with_instances[repeat] += 1
        for name, repeat in questions:
            chosen: set[str] = set()
            answered = False
            for value in values(answers, name, repeat):
                self.add_value(name, value)
                answered = True
                chosen.update(value if isinstance(value, list) else [value])
            if answered:
                self.answered_submissions[name] += 1
                self.submission_counts[name].update(chosen)

    def merge(self, other: Tally) -> None:
        self.respondents += other.respondents
        self.answered.update(other.answered)
        self.selections.update(other.selections)
        for name, counts in other.counts.items():
            self.counts[name].update(counts)
        self.instances.update(other.instances)
        self.with_instances.update(other.with_instances)
        self.answered_submissions.update(other.answered_submissions)
        for name, counts in other.submission_counts.items():
            self.submission_counts[name].update(counts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "respondents": self.respondents,
            "answered": dict(self.answered),
            "selections": dict(self.selections),
            "counts": {name: dict(counts) for name, counts in self.counts.items()},
        }
        if self.instances:
            data["instances"] = dict(self.instances)
            data["with_instances"] = dict(self.with_instances)
            data["answered_submissions"] = dict(self.answered_submissions)
            data["submission_counts"] = {
                name: dict(counts) for name, counts in self.submission_counts.items()
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        tally = cls(
            respondents=data.get("respondents", 0),
            answered=Counter(data.get("answered", {})),
            selections=Counter(data.get("selections", {})),
            instances=Counter(data.get("instances", {})),
            with_instances=Counter(data.get("with_instances", {})),
            answered_submissions=Counter(data.get("answered_submissions", {})),
        )
        for name, counts in data.get("counts", {}).items():
            tally.counts[name] = Counter(counts)
        for name, counts in data.get("submission_counts", {}).items():
            tally.submission_counts[name] = Counter(counts)
        return tally


def select_names(form: Form) -> list[str]:
    """The select questions answered once per submission (outside repeats)."""
    return [q.key for q in form.questions if q.is_select and not q.repeat]


def repeated_selects(form: Form) -> list[tuple[str, str]]:
    """`(question, repeat)` of the select questions inside repeats."""
    return [(q.key, q.repeat) for q in form.questions if q.is_select and q.repeat]


def repeats_of(form: Form) -> list[str]:
    """The form's repeats that hold questions, in the form's order."""
    return list(dict.fromkeys(q.repeat for q in form.questions if q.repeat))


def tally(form: Form, rows: Iterable[dict[str, Any]]) -> Tally:
    names = select_names(form)
    repeated = repeated_selects(form)
    repeats = repeats_of(form)
    result = Tally()
    for answers in rows:
        result.add(answers, names)
        if repeats:
            result.add_repeated(answers, repeats, repeated)
    return result


def systematize(form: Form, counts: Tally) -> dict[str, Any]:
    """The contract's JSON: every select question, every choice (zeros included)."""
    questions: dict[str, Any] = {}
    for question in form.questions:
        if not question.is_select:
            continue
        answered = counts.answered.get(question.key, 0)
        chosen = counts.counts.get(question.key, Counter())
        entry: dict[str, Any] = {"type": question.type, "answered": answered}
        options: dict[str, Any] = {}
        if question.type == "select_multiple":
            selections = counts.selections.get(question.key, 0)
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
        if question.repeat:
            _add_repeat_figures(entry, question.repeat, question.key, counts)
        questions[question.key] = entry
    return {"respondents": counts.respondents, "questions": questions}


def _add_repeat_figures(entry: dict[str, Any], repeat: str, name: str, counts: Tally) -> None:
    """A repeat's question, counted over its instances (`answered`, `count`, `percent`), also
    shows both denominators: the repeat's instances and the submissions holding any, and
    per choice the submissions where some instance chose it."""
    answered_submissions = counts.answered_submissions.get(name, 0)
    chosen = counts.submission_counts.get(name, Counter())
    entry["repeat"] = repeat
    entry["instances"] = counts.instances.get(repeat, 0)
    entry["submissions"] = counts.with_instances.get(repeat, 0)
    entry["answered_submissions"] = answered_submissions
    for choice, option in entry["options"].items():
        count = chosen.get(choice, 0)
        option["submissions"] = count
        option["percent_of_submissions"] = percent(count, answered_submissions)


def matches(answers: dict[str, Any], question: str, choice: str, repeat: str = "") -> bool:
    """Whether the submission chose `choice` (in any instance, for a repeat's question)."""
    for value in values(answers, question, repeat):
        if value == choice or (isinstance(value, list) and choice in value):
            return True
    return False


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
        for row_values, col_values in _pairs(answers, row_q, col_q):
            for r in row_values:
                for c in col_values:
                    table[r][c] += 1
    return table


def _pairs(
    answers: Mapping[str, Any], row_q: Question, col_q: Question
) -> Iterator[tuple[list[str], list[str]]]:
    """The answers a crosstab pairs: per submission outside repeats; per instance where a
    question is inside a repeat (with its submission's or parent instance's answer to the
    other); for two unrelated repeats, the choices made in any instance of each."""
    row_r, col_r = row_q.repeat, col_q.repeat
    deeper = ""
    if row_r == col_r or not row_r or row_r in col_q.group:
        deeper = col_r
    elif not col_r or col_r in row_q.group:
        deeper = row_r
    else:
        row_values = {v for unit in units(answers, row_r) for v in _as_list(unit.get(row_q.key))}
        col_values = {v for unit in units(answers, col_r) for v in _as_list(unit.get(col_q.key))}
        yield sorted(row_values), sorted(col_values)
        return
    for unit in units(answers, deeper):
        yield _as_list(unit.get(row_q.key)), _as_list(unit.get(col_q.key))


def row_percents(table: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    result = {}
    for row, cells in table.items():
        total = sum(cells.values())
        result[row] = {col: percent(count, total) for col, count in cells.items()}
    return result


def top_texts(
    rows: Iterable[dict[str, Any]], question: str, repeat: str = ""
) -> list[dict[str, Any]]:
    """Text answers grouped ignoring case, accents and spaces, most frequent first; each group
    shows its most common spelling (ties: the first seen). A repeat's question: one answer per
    instance."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for answers in rows:
        for value in values(answers, question, repeat):
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


def numbers(rows: Iterable[dict[str, Any]], question: str, repeat: str = "") -> NumberSummary:
    count, total = 0, 0.0
    low: float | None = None
    high: float | None = None
    for answers in rows:
        for value in values(answers, question, repeat):
            if not isinstance(value, int | float):
                continue
            count += 1
            total += value
            low = value if low is None else min(low, value)
            high = value if high is None else max(high, value)
    return NumberSummary(count, low, round(total / count, 2) if count else None, high)


# Every other type: how many answered, and a distribution where one is natural ---------------

# What each type's answers show: distributions of numbers, histograms of dates (by day, month
# or year) and of times (by hour), points of geopoints, positions of ranked choices, the most
# frequent values of text-like answers; only how many answered for media, traces and shapes.
NUMBER_KINDS = frozenset(NUMBER_TYPES)
DATE_KINDS = frozenset(DATE_TYPES)
TEXT_KINDS = frozenset(
    (
        "text",
        "barcode",
        "calculate",
        "hidden",
        "deviceid",
        "username",
        "email",
        "phonenumber",
        "simserial",
        "subscriberid",
        *EXTERNAL_SELECT_TYPES,
    )
)
MAX_POINTS = 5000  # drawn on a point map; every point is counted
STORED_TEXTS = 10  # a stored text summary keeps the most frequent groups, counts the rest
MAX_BINS = 12
_TIME = re.compile(r"(?:^|[T ])(\d{1,2}):(\d{2})")


def summary_kind(question: Question) -> str | None:
    """`number`, `date`, `time`, `point`, `rank`, `text` or `count` (answered only); None for
    selects (counted by `Tally`) and notes (never answered)."""
    kind = question.type
    if question.is_select or kind == "note":
        return None
    if kind in NUMBER_KINDS:
        return "number"
    if kind in DATE_KINDS:
        return "date"
    if kind in TIME_TYPES:
        return "time"
    if kind in POINT_TYPES:
        return "point"
    if kind == "rank":
        return "rank"
    if kind in TEXT_KINDS:
        return "text"
    return "count"


@dataclass
class Summary:
    """A question's answers besides choice counts. `bins` are (label, count) of a histogram;
    `ranks` give, per choice, how many put it first, second...; `points` are (lat, lon);
    `unreadable` counts answers that could not be read as the type says (still answered)."""

    kind: str
    answered: int = 0
    numbers: NumberSummary | None = None
    bins: list[tuple[str, int]] = field(default_factory=list)
    ranks: dict[str, list[int]] = field(default_factory=dict)
    mean_ranks: dict[str, float] = field(default_factory=dict)
    points: list[tuple[float, float]] = field(default_factory=list)
    top: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0
    # A stored summary (`from_json`) keeps the first STORED_TEXTS groups of `top` and counts
    # the rest here, and the points apart (`point_count` of them; `points` empty unless read).
    other_answers: int = 0
    other_groups: int = 0
    stored_points: int | None = None
    bounds: list[Bound] = field(default_factory=list)

    @property
    def point_count(self) -> int:
        return len(self.points) if self.stored_points is None else self.stored_points

    def to_json(self) -> dict[str, Any]:
        """What is stored at import: the bins' bounds (labels are the reader's), the first
        STORED_TEXTS text groups and the rest counted; points apart (`points`)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "answered": self.answered,
            "unreadable": self.unreadable,
        }
        if self.numbers is not None:
            n = self.numbers
            data["numbers"] = [n.answered, n.minimum, n.mean, n.maximum]
        if self.kind == "number":
            data["bounds"] = [list(bound) for bound in self.bounds]
        elif self.bins:
            data["bins"] = [list(pair) for pair in self.bins]
        if self.ranks:
            data["ranks"] = self.ranks
            data["mean_ranks"] = self.mean_ranks
        if self.kind == "text":
            rest = self.top[STORED_TEXTS:]
            data["top"] = self.top[:STORED_TEXTS]
            data["other_answers"] = self.other_answers + sum(item["count"] for item in rest)
            data["other_groups"] = self.other_groups + len(rest)
        data["points"] = self.point_count
        return data

    @classmethod
    def from_json(
        cls,
        data: dict[str, Any],
        number_format: NumberFormat = None,
        points: list[Any] | None = None,
    ) -> Summary:
        numbers = data.get("numbers")
        bounds: list[Bound] = [(b[0], b[1], b[2]) for b in data.get("bounds", [])]
        bins = (
            bin_labels(bounds, number_format or _format)
            if "bounds" in data
            else [(str(label), int(count)) for label, count in data.get("bins", [])]
        )
        return cls(
            kind=data["kind"],
            answered=data.get("answered", 0),
            numbers=NumberSummary(*numbers) if numbers is not None else None,
            bins=bins,
            ranks=data.get("ranks", {}),
            mean_ranks=data.get("mean_ranks", {}),
            points=[(p[0], p[1]) for p in points] if points is not None else [],
            top=data.get("top", []),
            unreadable=data.get("unreadable", 0),
            other_answers=data.get("other_answers", 0),
            other_groups=data.get("other_groups", 0),
            stored_points=None if points is not None else data.get("points", 0),
            bounds=bounds,
        )


class _Summarizer:
    def __init__(
        self, form: Form, question: Question, kind: str, number_format: NumberFormat = None
    ) -> None:
        self.question = question
        self.number_format = number_format or _format
        self.summary = Summary(kind)
        self.numbers: list[float] = []
        self.days: Counter[str] = Counter()
        self.hours: Counter[int] = Counter()
        self.texts: dict[str, Counter[str]] = defaultdict(Counter)
        self.choices = [c.name for c in form.choices_of(question)]
        self.positions: dict[str, Counter[int]] = defaultdict(Counter)

    def add(self, value: Any) -> None:
        summary = self.summary
        summary.answered += 1
        kind = summary.kind
        if kind == "number":
            number = _number(value)
            if number is None:
                summary.unreadable += 1
            else:
                self.numbers.append(number)
        elif kind == "date":
            try:
                self.days[parse_date(str(value))] += 1
            except ValueError:
                summary.unreadable += 1
        elif kind == "time":
            match = _TIME.search(str(value))
            if match and int(match.group(1)) < 24:
                self.hours[int(match.group(1))] += 1
            else:
                summary.unreadable += 1
        elif kind == "point":
            point = _point(value)
            if point is None:
                summary.unreadable += 1
            elif len(summary.points) < MAX_POINTS:
                summary.points.append(point)
        elif kind == "rank":
            ranked = value if isinstance(value, list) else str(value).split()
            for position, choice in enumerate(ranked):
                self.positions[str(choice)][position] += 1
        elif kind == "text":
            text = " ".join(str(value).split())
            if text:
                self.texts[fold(text)][text] += 1

    def result(self) -> Summary:
        summary = self.summary
        if summary.kind == "number" and self.numbers:
            values_ = self.numbers
            mean = round(sum(values_) / len(values_), 2)
            summary.numbers = NumberSummary(len(values_), min(values_), mean, max(values_))
            summary.bounds = number_bounds(values_)
            summary.bins = bin_labels(summary.bounds, self.number_format)
        elif summary.kind == "number":
            summary.numbers = NumberSummary(0, None, None, None)
        elif summary.kind == "date":
            summary.bins = date_bins(self.days)
        elif summary.kind == "time":
            summary.bins = [(f"{hour:02d}", self.hours.get(hour, 0)) for hour in range(24)]
        elif summary.kind == "rank":
            names = self.choices + [c for c in self.positions if c not in self.choices]
            width = max([len(names), *(max(p, default=0) + 1 for p in self.positions.values())])
            for name in names:
                counts = self.positions.get(name, Counter())
                summary.ranks[name] = [counts.get(position, 0) for position in range(width)]
                total = sum(counts.values())
                if total:
                    mean = sum((p + 1) * n for p, n in counts.items()) / total
                    summary.mean_ranks[name] = round(mean, 2)
        elif summary.kind == "text":
            summary.top = _grouped(self.texts)
        return summary


def summarize(
    form: Form,
    rows: Iterable[dict[str, Any]],
    names: Iterable[str] | None = None,
    *,
    number_format: NumberFormat = None,
) -> dict[str, Summary]:
    """One pass over the answers: a `Summary` of each question that is neither a select nor
    a note (or of those named), counted once per answer (once per instance in a repeat).
    `number_format` writes the histogram's bounds (a page's: in the reader's language)."""
    wanted = set(names) if names is not None else None
    summarizers = []
    for question in form.questions:
        kind = summary_kind(question)
        if kind is None or (wanted is not None and question.key not in wanted):
            continue
        summarizers.append(_Summarizer(form, question, kind, number_format))
    for answers in rows:
        for summarizer in summarizers:
            question = summarizer.question
            for value in values(answers, question.key, question.repeat):
                summarizer.add(value)
    return {s.question.key: s.result() for s in summarizers}


def _grouped(groups: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    pairs = [
        (spellings.most_common(1)[0][0], sum(spellings.values())) for spellings in groups.values()
    ]
    pairs.sort(key=lambda pair: (-pair[1], fold(pair[0])))
    return [{"value": value, "count": count} for value, count in pairs]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _point(value: Any) -> tuple[float, float] | None:
    """`lat lon [altitude accuracy]` (ODK's geopoint) → (lat, lon), None if not one."""
    parts = str(value).replace(",", " ").split()
    if len(parts) < 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _format(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:.4g}"


def number_bins(
    numbers: list[float], number_format: Callable[[float], str] = _format
) -> list[tuple[str, int]]:
    """A histogram: one bar per value for few whole numbers (a range's steps, a 1–5 scale),
    else up to MAX_BINS equal-width bins labelled `low–high` (written by `number_format`)."""
    return bin_labels(number_bounds(numbers), number_format)


Bound = tuple[float, float | None, int]  # a bin's low and high bounds (None: one value), count


def bin_labels(
    bounds: list[Bound], number_format: Callable[[float], str] = _format
) -> list[tuple[str, int]]:
    """The bins of `number_bounds`, labelled `value` or `low–high` by `number_format`."""
    write = number_format
    return [
        (write(low) if high is None else f"{write(low)}–{write(high)}", count)
        for low, high, count in bounds
    ]


def number_bounds(numbers: list[float]) -> list[Bound]:
    """`number_bins` before its labels are written (stored at import, written per reader)."""
    low, high = min(numbers), max(numbers)
    whole = all(float(n).is_integer() for n in numbers)
    if whole and high - low < 2 * MAX_BINS:
        counts = Counter(int(n) for n in numbers)
        return [(v, None, counts.get(v, 0)) for v in range(int(low), int(high) + 1)]
    if low == high:
        return [(low, None, len(numbers))]
    if whole:
        # Whole numbers: bins of whole steps, `4–8` then `9–13` (bounds included).
        step = math.ceil((high - low + 1) / MAX_BINS)
        start = int(low)
        counts = Counter((int(n) - start) // step for n in numbers)
        bins = (int(high) - start) // step + 1
        return [
            (start + i * step, start + (i + 1) * step - 1, counts.get(i, 0)) for i in range(bins)
        ]
    width = (high - low) / MAX_BINS
    counts = Counter(min(int((n - low) / width), MAX_BINS - 1) for n in numbers)
    return [(low + i * width, low + (i + 1) * width, counts.get(i, 0)) for i in range(MAX_BINS)]


def date_bins(days: Counter[str]) -> list[tuple[str, int]]:
    """A histogram of ISO days: by day over two months at most, by month over three years at
    most, else by year; empty periods between the first and the last are shown as zeros."""
    if not days:
        return []
    parsed = {dt.date.fromisoformat(day): count for day, count in days.items()}
    first, last = min(parsed), max(parsed)
    if (last - first).days <= 62:
        return [
            ((first + dt.timedelta(days=i)).isoformat(), parsed.get(first + dt.timedelta(i), 0))
            for i in range((last - first).days + 1)
        ]
    if (last.year - first.year) * 12 + last.month - first.month < 36:
        months: Counter[str] = Counter()
        for day, count in parsed.items():
            months[f"{day.year:04d}-{day.month:02d}"] += count
        labels = []
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            labels.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return [(label, months.get(label, 0)) for label in labels]
    years: Counter[int] = Counter()
    for day, count in parsed.items():
        years[day.year] += count
    span = range(first.year, last.year + 1) if last.year - first.year <= 100 else sorted(years)
    return [(str(year), years.get(year, 0)) for year in span]
