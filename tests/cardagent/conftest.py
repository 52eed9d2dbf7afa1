"""The card agent's tests: one agent over the shared demo cards for the API checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cardagent.helpers import ORIGIN
from tests.cardagent_process import DemoCards, RunningAgent, start_card_agent

OTHER_ALLOWED_ORIGIN = "https://portal.onewindow.example"


@pytest.fixture(scope="module")
def agent(demo_cards: DemoCards) -> Iterator[RunningAgent]:
    """Two allowed origins; every demo card is in a reader."""
    running = start_card_agent(
        demo_cards.directory, ORIGIN, extra_args=["--origin", OTHER_ALLOWED_ORIGIN]
    )
    yield running
    running.stop()
