"""Paginating API lists: the one page-number paginator every list uses, and lists whose items
are built in Python, not read from a model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field
from ninja import pagination as ninja_pagination

M = TypeVar("M", bound=Model)

# Far beyond any list Minga holds, and small enough that the offset stays a 64-bit SQL integer
# (an unbounded page number overflowed the database's integer: a server error, not a 422).
MAX_PAGE = 100_000


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    """ninja's page-number pagination with a bounded page number (422 beyond it)."""

    class Input(ninja_pagination.PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)


class SerializedPage(Generic[M]):
    """Looks like a list to ninja's paginator, but serializes only the slice it takes."""

    def __init__(
        self,
        rows: QuerySet[M],
        serialize: Callable[[M], dict[str, Any]] | None = None,
        *,
        serialize_page: Callable[[list[M]], list[dict[str, Any]]] | None = None,
    ) -> None:
        """`serialize` one row at a time, or `serialize_page` the page's rows at once (when
        a row's figures are derived together, in a fixed number of queries)."""
        self.rows = rows
        self.serialize = serialize
        self.serialize_page = serialize_page

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        if self.serialize_page is not None:
            return self.serialize_page(list(self.rows[index]))
        assert self.serialize is not None
        return [self.serialize(row) for row in self.rows[index]]
