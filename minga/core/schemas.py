"""Pieces every app's API schemas share."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BeforeValidator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

T = TypeVar("T")


def _not_null(value: T | None) -> T:
    if value is None:
        raise PydanticCustomError("not_null", "May not be null.")
    return value


# A PATCH field that may be left out but not set to null: the OpenAPI schema publishes it
# without `null`, and an explicit null is a 422 before it can reach a NOT NULL column. Fields
# that null clears (an owner, a date) stay `X | None`.
Omittable = Annotated[T | SkipJsonSchema[None], BeforeValidator(_not_null)]
