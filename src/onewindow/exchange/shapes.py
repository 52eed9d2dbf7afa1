"""Checks that decoded JSON has a documented shape (the agencies' `data`), with a path
to the first mismatch: `data.vehicles[2].plate: expected a string`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class ShapeError(ValueError):
    def __init__(self, path: str, expected: str) -> None:
        self.path = path
        self.expected = expected
        super().__init__(f"{path}: expected {expected}")


class Shape:
    description = "a value"

    def check(self, value: object, path: str) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Scalar(Shape):
    kind: type | tuple[type, ...]
    description: str = "a value"

    def check(self, value: object, path: str) -> None:
        # JSON has no distinct booleans among numbers; bool is an int subclass in Python.
        if isinstance(value, bool) and bool not in _kinds(self.kind):
            raise ShapeError(path, self.description)
        if not isinstance(value, self.kind):
            raise ShapeError(path, self.description)


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


@dataclass(frozen=True)
class Text(Shape):
    pattern: str | None = None
    choices: frozenset[str] | None = None

    @property
    def description(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(sorted(self.choices))
        return f"a string matching {self.pattern}" if self.pattern else "a string"

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, str):
            raise ShapeError(path, self.description)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ShapeError(path, self.description)
        if self.choices is not None and value not in self.choices:
            raise ShapeError(path, self.description)


@dataclass(frozen=True)
class IsoDate(Shape):
    description = "an ISO date (YYYY-MM-DD)"

    def check(self, value: object, path: str) -> None:
        try:
            datetime.date.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ShapeError(path, self.description) from None
        if not isinstance(value, str) or len(value) != 10:
            raise ShapeError(path, self.description)


@dataclass(frozen=True)
class IsoDateTime(Shape):
    description = "an ISO date and time with its offset"

    def check(self, value: object, path: str) -> None:
        try:
            moment = datetime.datetime.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ShapeError(path, self.description) from None
        if moment.tzinfo is None:
            raise ShapeError(path, self.description)


@dataclass(frozen=True)
class Nullable(Shape):
    inner: Shape

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"null or {self.inner.description}"

    def check(self, value: object, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape
    description = "a list"

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, list):
            raise ShapeError(path, self.description)
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class Obj(Shape):
    """An object with these keys (more keys are allowed: agencies may add fields)."""

    required: Mapping[str, Shape] = field(default_factory=dict)
    optional: Mapping[str, Shape] = field(default_factory=dict)
    description = "an object"

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            raise ShapeError(path, self.description)
        for key, shape in self.required.items():
            if key not in value:
                raise ShapeError(f"{path}.{key}", f"{shape.description} (missing)")
            shape.check(value[key], f"{path}.{key}")
        for key, shape in self.optional.items():
            if key in value:
                shape.check(value[key], f"{path}.{key}")


STRING = Text()
INTEGER = Scalar(int, "an integer")
NUMBER = Scalar((int, float), "a number")
BOOLEAN = Scalar(bool, "true or false")
DATE = IsoDate()
DATETIME = IsoDateTime()
PERSONAL_NUMBER = Text(pattern=r"\d{11}")
COMPANY_CODE = Text(pattern=r"\d{9}")
ANY_OBJECT = Obj()
