"""Pool files in, for the command and the platform alike: bytes to text to rows through the one
intake, then the engine's readers; every error as one sentence in the person's language,
naming the file, and the row, column and value where there are some."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from minga.core.intake import IntakeError, csv_rows, decode_text
from minga.sortition.engine import csvio
from minga.sortition.engine.model import Quota, SortitionInputError


class PoolFileError(ValueError):
    """A pool file that cannot be read; `field` says which: "people_csv" or "features_csv"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PoolFiles:
    quotas: dict[str, dict[str, Quota]]
    people: csvio.PeopleTable


def translated(error: SortitionInputError) -> str:
    """The engine's message in the active language (English when it has no template)."""
    if error.params is None:
        return str(error)
    return _(error.template) % error.params


def read_pool(
    people: str | bytes,
    features: str | bytes,
    *,
    people_name: str = "people.csv",
    features_name: str = "features.csv",
    id_column: str = "",
    group_by: str = "",
) -> PoolFiles:
    """The quotas and the people of a features.csv and a people.csv (text, or bytes to decode)."""
    field = "features_csv"
    try:
        text = features if isinstance(features, str) else decode_text(features, features_name)
        quotas = csvio.features_from_rows(csv_rows(text, features_name), features_name)
        field = "people_csv"
        text = people if isinstance(people, str) else decode_text(people, people_name)
        table = csvio.people_from_rows(
            csv_rows(text, people_name),
            quotas,
            id_column=id_column.strip() or None,
            group_by=group_by,
            source=people_name,
        )
    except SortitionInputError as exc:
        raise PoolFileError(field, translated(exc)) from exc
    except IntakeError as exc:
        raise PoolFileError(field, exc.message) from exc
    return PoolFiles(quotas, table)


def numbered_note(name: str) -> str:
    return _(
        "%(file)s has no id column: its people are numbered 0, 1, 2, ... in file order "
        "(the first row after the header is 0)."
    ) % {"file": name}
