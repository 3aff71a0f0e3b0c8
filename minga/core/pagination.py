"""Paginating API lists whose items are built in Python, not read from a model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class SerializedPage(Generic[M]):
    """Looks like a list to ninja's paginator, but serializes only the slice it takes."""

    def __init__(self, rows: QuerySet[M], serialize: Callable[[M], dict[str, Any]]) -> None:
        self.rows = rows
        self.serialize = serialize

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.serialize(row) for row in self.rows[index]]
