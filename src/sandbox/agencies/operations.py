"""What an agency is to the sandbox: an id, a name and the operations it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from owexchange import DocumentRef, ProtocolRefusal, Subject

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
    derive: Callable[[Population, Subject], Shape] | None = None
    # For an operation about one registered document of the subject (`parameters.document`).
    derive_document: Callable[[Population, Subject, DocumentRef], Shape] | None = None

    def answer(
        self, population: Population, subject: Subject, document: DocumentRef | None = None
    ) -> Shape:
        """The data for `subject` (and `document`, for an operation that names one); the
        demo set's hand-written answer when there is one.

        Raises ProtocolRefusal: `bad-request` for a subject of the wrong type or a document
        given to an operation without one (or missing where one is needed), `not-found`
        where the operation is about a subject (or a document) the agency must know.
        """
        if subject.type not in self.subjects:
            raise ProtocolRefusal(
                "bad-request",
                detail=f"{self.name} is about a {' or a '.join(self.subjects)}, "
                f"not a {subject.type}.",
            )
        if self.derive_document is not None:
            if document is None:
                raise ProtocolRefusal(
                    "bad-request", detail=f"{self.name} needs parameters.document."
                )
            return self.derive_document(population, subject, document)
        if document is not None:
            raise ProtocolRefusal(
                "bad-request", detail=f"{self.name} takes no parameters.document."
            )
        if self.derive is None:
            raise RuntimeError(f"{self.name} has no way to derive its answer.")
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
