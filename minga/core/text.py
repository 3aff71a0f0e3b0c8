"""Small text helpers shared by forms, commands and settings (no Django imports)."""

from __future__ import annotations


def comma_list(text: str) -> list[str]:
    """The items of a comma-separated text, trimmed, empty ones left out, in order."""
    return [item.strip() for item in text.split(",") if item.strip()]
