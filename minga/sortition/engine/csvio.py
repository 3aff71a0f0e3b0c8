"""The CSV files the field publishes: features (quotas) and people (the pool).

Pure: the readers take rows, `(line number, cells)` as `minga.core.intake.csv_rows` gives them
(or text, read here with the csv module), and never open a file themselves.

features.csv, in the layouts published in the field (the header decides; names ignore case):
- the Sortition Foundation's `feature,value,min,max`, with or without `min_flex,max_flex`
  (sortition-algorithms), and its older `category,name,min,max` (stratification-app);
- the replication data of Flanigan et al., "Fair algorithms for selecting citizens'
  assemblies" (Nature, 2021): `category,feature,min,max`, where `category` is the feature and
  `feature` its value.
`min_flex` and `max_flex` bound how far the Sortition Foundation's tool may relax the quotas
when no panel meets them; Minga ignores them (its diagnosis proposes the smallest relaxation).

people.csv: one row per person and a column per feature (matched exactly, else ignoring case;
a value likewise, keeping the spelling of features.csv, as sortition-algorithms does). Ids come
from the `id` column, or from the column `id_column` names (`nationbuilder_id`); a file of
nothing but feature and group columns (the replication's `respondents.csv`) has its people
numbered 0, 1, 2, ... in file order, as the replication code numbers them. `group_by` names the
column(s) of which at most one member is drawn: one column's value (an organization), or
several columns (a household's address: `primary_address1,primary_zip`) compared ignoring case,
as sortition-algorithms compares addresses. Someone whose group columns are all empty is in no
group. Rows whose cells are all empty are skipped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from minga.sortition.engine.model import (
    Instance,
    Person,
    Quota,
    SortitionInputError,
    gettext_noop,
)

Rows = Iterable[tuple[int, Sequence[str]]]

ALIASES = {"category": "feature", "name": "value"}
LAYOUTS = (
    "feature,value,min,max[,min_flex,max_flex] · category,name,min,max · category,feature,min,max"
)


@dataclass(frozen=True)
class PeopleTable:
    """The people of a people.csv and where their ids came from."""

    people: list[Person]
    id_column: str | None  # None: no id column, people numbered from 0 in file order
    # The columns that are neither the ids, nor features, nor grouping columns (names,
    # emails, phones...): the platform drops them before storing anything.
    other_columns: tuple[str, ...] = ()


def text_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of CSV text with the line number each ends on (for tests, benchmarks and files
    read without the platform's intake)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for cells in reader:
        yield reader.line_num, cells


def _table(rows: Rows, source: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the records as {column: stripped value}; a cell missing at the end of a
    row reads as empty, cells past the header are ignored, and a repeated column name keeps
    its last cell (as csv.DictReader does)."""
    iterator = iter(rows)
    header: list[str] | None = None
    for _number, cells in iterator:
        if any(cell.strip() for cell in cells):
            header = [cell.strip() for cell in cells]
            header[0] = header[0].lstrip("\ufeff").strip()
            break
    if header is None:
        raise SortitionInputError(
            gettext_noop("%(file)s: empty file, expected a header row"), {"file": source}
        )
    records = []
    for number, cells in iterator:
        if not any(cell.strip() for cell in cells):
            continue
        records.append(
            (
                number,
                {
                    name: (cells[index] if index < len(cells) else "").strip()
                    for index, name in enumerate(header)
                },
            )
        )
    return header, records


def _whole(text: str, source: str, row: int, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SortitionInputError(
            gettext_noop("%(file)s row %(row)s, %(column)s: %(value)s is not a whole number"),
            {"file": source, "row": row, "column": column, "value": repr(text)},
        ) from None


def _features_layout(header: list[str], source: str) -> tuple[str, str, str, str]:
    """The columns holding (feature, value, min, max), by the layout the header shows."""
    lowered = {h.lower(): h for h in header}
    names = {ALIASES.get(low, low): original for low, original in lowered.items()}
    if "value" not in names and "category" in lowered and "feature" in lowered:
        # Flanigan et al.'s replication data: the category is the feature, the feature its value.
        names["feature"], names["value"] = lowered["category"], lowered["feature"]
    missing = [c for c in ("feature", "value", "min", "max") if c not in names]
    if missing:
        raise SortitionInputError(
            gettext_noop(
                "%(file)s: missing column(s) %(columns)s. The header reads %(header)s; "
                "expected one of: %(layouts)s."
            ),
            {
                "file": source,
                "columns": ", ".join(missing),
                "header": ",".join(header),
                "layouts": LAYOUTS,
            },
        )
    return names["feature"], names["value"], names["min"], names["max"]


def features_from_rows(rows: Rows, source: str = "features.csv") -> dict[str, dict[str, Quota]]:
    header, records = _table(rows, source)
    feature_column, value_column, min_column, max_column = _features_layout(header, source)
    quotas: dict[str, dict[str, Quota]] = {}
    for number, row in records:
        feature, value = row[feature_column], row[value_column]
        if not feature or not value:
            raise SortitionInputError(
                gettext_noop(
                    "%(file)s row %(row)s: the feature (column %(feature_column)s) and its "
                    "value (column %(value_column)s) must not be empty"
                ),
                {
                    "file": source,
                    "row": number,
                    "feature_column": feature_column,
                    "value_column": value_column,
                },
            )
        low = _whole(row[min_column], source, number, min_column)
        high = _whole(row[max_column], source, number, max_column)
        if low < 0 or high < low:
            raise SortitionInputError(
                gettext_noop("%(file)s row %(row)s: need 0 <= min <= max, got %(min)s and %(max)s"),
                {"file": source, "row": number, "min": low, "max": high},
            )
        if value in quotas.setdefault(feature, {}):
            raise SortitionInputError(
                gettext_noop("%(file)s row %(row)s: %(feature)s=%(value)s is listed twice"),
                {"file": source, "row": number, "feature": feature, "value": value},
            )
        quotas[feature][value] = Quota(low, high)
    if not quotas:
        raise SortitionInputError(gettext_noop("%(file)s: no quotas"), {"file": source})
    return quotas


def group_columns(group_by: str | Sequence[str] | None) -> tuple[str, ...]:
    """The grouping columns: a comma-separated text (`primary_address1,primary_zip`) or a list."""
    if not group_by:
        return ()
    names = group_by.split(",") if isinstance(group_by, str) else list(group_by)
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def household(values: Sequence[str]) -> str | None:
    """The group of someone with these values in the grouping columns. One column: its value
    as written. Several: the values compared ignoring case, kept as a JSON list (so that
    `write_people` can write them back); None when all are empty."""
    if len(values) == 1:
        return values[0] or None
    if not any(values):
        return None
    return json.dumps([v.lower() for v in values], ensure_ascii=False, separators=(",", ":"))


def _column(header: Sequence[str], name: str) -> str | None:
    """The header's column for `name`: the exact one, else the only one equal ignoring case."""
    if name in header:
        return name
    matches = {h for h in header if h.casefold() == name.casefold()}
    return matches.pop() if len(matches) == 1 else None


def _value(value: str, values: Mapping[str, Quota]) -> str | None:
    """The value of features.csv that `value` is: the same text, else the only one equal
    ignoring case."""
    if value in values:
        return value
    matches = [v for v in values if v.casefold() == value.casefold()]
    return matches[0] if len(matches) == 1 else None


def people_from_rows(
    rows: Rows,
    quotas: dict[str, dict[str, Quota]],
    *,
    id_column: str | None = None,
    group_by: str | Sequence[str] | None = None,
    source: str = "people.csv",
) -> PeopleTable:
    header, records = _table(rows, source)
    features = {feature: _column(header, feature) for feature in quotas}
    groups = {name: _column(header, name) for name in group_columns(group_by)}
    ids = _column(header, id_column or "id")
    numbered = False
    if ids is None and not id_column:
        # Only a file with no other column is numbered: elsewhere, a missing id is a mistake.
        used = {c for c in (*features.values(), *groups.values()) if c is not None}
        numbered = all(name in used for name in header if name)
    missing = [
        *([] if ids is not None or numbered else [id_column or "id"]),
        *(f for f, c in features.items() if c is None),
        *(g for g, c in groups.items() if c is None),
    ]
    if missing:
        others = [h for h in header if h and h not in features.values() and h not in groups]
        raise SortitionInputError(
            gettext_noop(
                "%(file)s: missing column(s) %(columns)s. Columns that are not features: "
                "%(others)s; if one of them holds the ids, give its name as the id column."
            ),
            {"file": source, "columns": ", ".join(missing), "others": ", ".join(others) or "-"},
        )
    people: list[Person] = []
    seen: dict[str, int] = {}
    for index, (number, row) in enumerate(records):
        person_id = str(index) if ids is None else row[ids]
        if not person_id:
            raise SortitionInputError(
                gettext_noop("%(file)s row %(row)s: empty id (column %(column)s)"),
                {"file": source, "row": number, "column": ids},
            )
        if "," in person_id:
            raise SortitionInputError(
                gettext_noop("%(file)s row %(row)s: id %(id)s must not contain a comma"),
                {"file": source, "row": number, "id": repr(person_id)},
            )
        if person_id in seen:
            raise SortitionInputError(
                gettext_noop("%(file)s row %(row)s: id %(id)s already used on row %(first)s"),
                {"file": source, "row": number, "id": repr(person_id), "first": seen[person_id]},
            )
        seen[person_id] = number
        values = {}
        for feature, known in quotas.items():
            column = features[feature]
            assert column is not None
            value = _value(row[column], known)
            if value is None:
                raise SortitionInputError(
                    gettext_noop(
                        "%(file)s row %(row)s: %(feature)s=%(value)s is not a value in "
                        "features.csv (%(values)s)"
                    ),
                    {
                        "file": source,
                        "row": number,
                        "feature": feature,
                        "value": repr(row[column]),
                        "values": ", ".join(sorted(known)),
                    },
                )
            values[feature] = value
        group = household([row[c] for c in groups.values() if c is not None]) if groups else None
        people.append(Person(person_id, values, group))
    used = {c for c in (ids, *features.values(), *groups.values()) if c is not None}
    return PeopleTable(people, ids, tuple(h for h in header if h and h not in used))


def parse_features(text: str, source: str = "features.csv") -> dict[str, dict[str, Quota]]:
    return features_from_rows(text_rows(text), source)


def parse_people(
    text: str,
    quotas: dict[str, dict[str, Quota]],
    *,
    group_by: str | Sequence[str] | None = None,
    id_column: str | None = None,
    source: str = "people.csv",
) -> list[Person]:
    return people_from_rows(
        text_rows(text), quotas, id_column=id_column, group_by=group_by, source=source
    ).people


def load_instance(
    people_path: Path,
    features_path: Path,
    seats: int,
    group_by: str | Sequence[str] | None = None,
    id_column: str | None = None,
) -> Instance:
    """An instance from UTF-8 files (benchmarks and tests; the command reads through intake)."""
    quotas = parse_features(features_path.read_text(encoding="utf-8"), features_path.name)
    people = parse_people(
        people_path.read_text(encoding="utf-8"),
        quotas,
        group_by=group_by,
        id_column=id_column,
        source=people_path.name,
    )
    return Instance(tuple(people), quotas, seats)


def write_features(instance: Instance) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for feature in instance.features:
        for value, quota in sorted(instance.quotas[feature].items()):
            writer.writerow([feature, value, quota.min, quota.max])
    return out.getvalue()


def write_people(instance: Instance, extra: Iterable[str] = ()) -> str:
    """people.csv with an `id` column, the features and the grouping column(s) `extra`; read
    back with the same `group_by`, it gives the same people and groups."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extra = list(extra)
    writer.writerow(["id", *instance.features, *extra])
    for person in instance.people:
        group: list[str] = []
        if len(extra) == 1:
            group = [person.group or ""]
        elif extra:
            group = json.loads(person.group) if person.group else [""] * len(extra)
        writer.writerow([person.id, *(person.features[f] for f in instance.features), *group])
    return out.getvalue()
