"""The ID-card test PKI: CAs, OCSP responder, TSA, seals and demo cards, and their server.

`ensure(DIR)` / `load(DIR)` give a `TestPki`; `python -m testpki init|serve` on the
command line (docs/identity.md, "The test PKI"). Nothing here is for production use.
"""

from __future__ import annotations

from .generate import ensure
from .model import Card, IncompletePki, Seal, TestPki, load

__all__ = ["Card", "IncompletePki", "Seal", "TestPki", "ensure", "load"]
