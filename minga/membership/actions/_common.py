"""What the membership actions share: amounts, and the person behind an actor."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minga.core.models import User


def money(value: Any, field: str) -> Decimal:
    """A positive amount with at most two decimals, from a string or a Decimal."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("%(value)s is not an amount.") % {"value": value}}) from exc
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(
            {
                field: _("%(value)s: use a positive amount with at most two decimals.")
                % {"value": value}
            }
        )
    return amount


def user_of(actor: Any) -> User | None:
    """The person behind an actor, for "by whom" columns: None for the system or an
    anonymous visitor."""
    return actor if isinstance(actor, User) else None
