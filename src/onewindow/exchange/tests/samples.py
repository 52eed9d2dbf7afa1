"""The smallest valid value of a documented shape (for tests of the shapes themselves)."""

from __future__ import annotations

from typing import Any

from onewindow.exchange.shapes import (
    BOOLEAN,
    IsoDate,
    IsoDateTime,
    ListOf,
    Nullable,
    Obj,
    Shape,
    Text,
)


def minimal(shape: Shape) -> Any:
    """Empty lists, nulls, first choices, placeholder text and numbers."""
    if isinstance(shape, Obj):
        return {key: minimal(inner) for key, inner in shape.required.items()}
    if isinstance(shape, ListOf):
        return []
    if isinstance(shape, Nullable):
        return None
    if isinstance(shape, Text):
        if shape.choices:
            return sorted(shape.choices)[0]
        return {r"\d{11}": "01001012345", r"\d{9}": "204567890"}.get(shape.pattern or "", "x")
    if isinstance(shape, IsoDate):
        return "2020-01-01"
    if isinstance(shape, IsoDateTime):
        return "2020-01-01T10:00:00+04:00"
    if shape is BOOLEAN:
        return False
    return 0
