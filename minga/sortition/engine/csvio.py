"""The Sortition Foundation's CSV formats.

features.csv: columns `feature,value,min,max` (the older names `category,name` are accepted;
other columns such as `min_flex,max_flex` are ignored). people.csv: an `id` column and one column
per feature (other columns are ignored; `--group-by` names the household/organization column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from minga.sortition.engine.model import Instance, Person, Quota, SortitionInputError

ALIASES = {"category": "feature", "name": "value"}


def _rows(text: str, source: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise SortitionInputError(f"{source}: empty file, expected a header row")
    header = [h.strip() for h in reader.fieldnames]
    rows = [
        {h.strip(): (v or "").strip() for h, v in row.items() if h is not None} for row in reader
    ]
    return header, rows


def _whole(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SortitionInputError(f"{where}: {text!r} is not a whole number") from None


def parse_features(text: str, source: str = "features.csv") -> dict[str, dict[str, Quota]]:
    header, rows = _rows(text, source)
    lowered = {h.lower(): h for h in header}
    names = {ALIASES.get(low, low): original for low, original in lowered.items()}
    missing = [c for c in ("feature", "value", "min", "max") if c not in names]
    if missing:
        raise SortitionInputError(f"{source}: missing column(s) {', '.join(missing)}")
    quotas: dict[str, dict[str, Quota]] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{source} row {number}"
        feature, value = row[names["feature"]], row[names["value"]]
        if not feature or not value:
            raise SortitionInputError(f"{where}: feature and value must not be empty")
        low = _whole(row[names["min"]], f"{where}, min")
        high = _whole(row[names["max"]], f"{where}, max")
        if low < 0 or high < low:
            raise SortitionInputError(f"{where}: need 0 <= min <= max, got {low} and {high}")
        if value in quotas.setdefault(feature, {}):
            raise SortitionInputError(f"{where}: {feature}={value} is listed twice")
        quotas[feature][value] = Quota(low, high)
    if not quotas:
        raise SortitionInputError(f"{source}: no quotas")
    return quotas


def parse_people(
    text: str,
    quotas: dict[str, dict[str, Quota]],
    *,
    group_by: str | None = None,
    source: str = "people.csv",
) -> list[Person]:
    header, rows = _rows(text, source)
    needed = ["id", *quotas, *([group_by] if group_by else [])]
    missing = [c for c in needed if c not in header]
    if missing:
        raise SortitionInputError(f"{source}: missing column(s) {', '.join(missing)}")
    people: list[Person] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{source} row {number}"
        person_id = row["id"]
        if not person_id:
            raise SortitionInputError(f"{where}: empty id")
        if "," in person_id:
            raise SortitionInputError(f"{where}: id {person_id!r} must not contain a comma")
        if person_id in seen:
            raise SortitionInputError(
                f"{where}: id {person_id!r} already used on row {seen[person_id]}"
            )
        seen[person_id] = number
        features = {}
        for feature, values in quotas.items():
            value = row[feature]
            if value not in values:
                raise SortitionInputError(
                    f"{where}: {feature}={value!r} is not a value in features.csv "
                    f"({', '.join(sorted(values))})"
                )
            features[feature] = value
        group = row[group_by] if group_by else None
        people.append(Person(person_id, features, group or None))
    return people


def load_instance(
    people_path: Path, features_path: Path, seats: int, group_by: str | None = None
) -> Instance:
    quotas = parse_features(features_path.read_text(encoding="utf-8"), features_path.name)
    people = parse_people(
        people_path.read_text(encoding="utf-8"), quotas, group_by=group_by, source=people_path.name
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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extra = list(extra)
    writer.writerow(["id", *instance.features, *extra])
    for person in instance.people:
        group = [person.group or ""] if extra else []
        writer.writerow([person.id, *(person.features[f] for f in instance.features), *group])
    return out.getvalue()
