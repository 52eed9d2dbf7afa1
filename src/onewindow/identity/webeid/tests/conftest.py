"""Fixtures: a test CA hierarchy (root → intermediate) and ID cards of each key type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .pki import Ca, Card, CardSpec, make_ca, make_card


@dataclass
class CardPki:
    root: Ca
    intermediate: Ca
    cards: dict[str, Card]  # by key type: rsa2048, ec-p256, ec-p384


@pytest.fixture(scope="session")
def pki() -> CardPki:
    root = make_ca("OneWindow Test Root CA")
    intermediate = make_ca("OneWindow Test ID-card CA", issuer=root)
    cards = {
        kind: make_card(intermediate, CardSpec(key_type=kind))
        for kind in ("rsa2048", "ec-p256", "ec-p384")
    }
    return CardPki(root, intermediate, cards)
