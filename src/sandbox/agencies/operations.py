"""What an agency is to the sandbox: an id, a name and the operations it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from owexchange import ProtocolRefusal, Subject

from ..population import Population
from .values import Shape, Text


@dataclass(frozen=True)
class Operation:
    """One `POST /{agency}/v1/{name}` query and the shape of its answer's `data`."""

    name: str
    summary: str
    description: str
    subjects: tuple[str, ...]  # "person", "company" or both
    model: type[Shape]
    derive: Callable[[Population, Subject], Shape]

    def answer(self, population: Population, subject: Subject) -> Shape:
        """The data for `subject`; the demo set's hand-written answer when there is one.

        Raises ProtocolRefusal: `bad-request` for a subject of the wrong type, `not-found`
        where the operation is about a subject the agency must know.
        """
        if subject.type not in self.subjects:
            raise ProtocolRefusal(
                "bad-request",
                detail=f"{self.name} is about a {' or a '.join(self.subjects)}, "
                f"not a {subject.type}.",
            )
        written = population.overrides.get((self.name, subject.id))
        if written is not None:
            return self.model.model_validate(written)
        return self.derive(population, subject)


@dataclass(frozen=True)
class Agency:
    id: str
    name: Text
    description: str
    operations: tuple[Operation, ...]

    def operation(self, name: str) -> Operation | None:
        return next((op for op in self.operations if op.name == name), None)


def not_found(subject: Subject) -> ProtocolRefusal:
    return ProtocolRefusal("not-found", detail=f"No {subject.type} with this identifier.")
