"""The exchange's tests: fresh settings, circuits and cache for each test; a test PKI for
the endpoint's tests; and, for the client's tests, the real sandbox agencies (the session
fixture of tests/sandbox_process.py) with a tampering proxy for what the sandbox never does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.exchange.breaker import breakers_reset
from onewindow.exchange.credentials import credentials_forget
from onewindow.exchange.models import MessageLog
from owexchange import DEFAULT_PARTIES
from owexchange.pki import ensure_test_pki

from .proxy import TamperingProxy


@pytest.fixture(scope="session")
def exchange_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("exchange-pki")
    ensure_test_pki(directory, DEFAULT_PARTIES)
    # "intruder": a certificate from another CA, lying in the trusted folder.
    foreign = tmp_path_factory.mktemp("foreign-pki")
    ensure_test_pki(foreign, ["intruder"])
    for name in ("intruder.crt", "intruder.key"):
        shutil.copy(foreign / name, directory / name)
    return directory


@pytest.fixture(autouse=True)
def exchange_settings(settings: Any, exchange_pki: Path) -> Iterator[Any]:
    settings.EXCHANGE_PKI_DIR = exchange_pki
    settings.EXCHANGE_CLIENT_ID = "portal"
    settings.EXCHANGE_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens (discard)
    settings.EXCHANGE_AGENCY_URLS = {}
    settings.EXCHANGE_TIMEOUT_SECONDS = 2.0
    settings.EXCHANGE_RETRIES = 0
    settings.EXCHANGE_BREAKER_FAILURES = 5
    settings.EXCHANGE_BREAKER_RESET_SECONDS = 30.0
    settings.EXCHANGE_CACHE_SECONDS = 0
    credentials_forget()
    breakers_reset()
    exchange_cache_clear()
    yield settings
    credentials_forget()
    breakers_reset()
    exchange_cache_clear()


@dataclass
class Agencies:
    """The sandbox agencies as this test's portal sees them."""

    sandbox: RunningSandbox
    proxy: TamperingProxy
    settings: Any

    def set_faults(self, faults: dict[str, dict[str, Any]]) -> None:
        self.sandbox.set_faults(faults)

    def seen(self, agency: str) -> list[dict[str, Any]]:
        """The agency's own log of this test's requests (oldest first)."""
        ours = set(MessageLog.objects.values_list("request_id", flat=True))
        return [
            entry
            for entry in self.sandbox.messages(agency, limit=1000)
            if entry.get("request_id") in ours
        ]

    def through_proxy(self, agency: str, mode: str = "", *, data: Any = None) -> None:
        """Send the agency's traffic through the proxy, which changes its answers."""
        self.settings.EXCHANGE_AGENCY_URLS = self.settings.EXCHANGE_AGENCY_URLS | {
            agency: self.proxy.agency_url(agency)
        }
        if mode:
            self.proxy.modes[agency] = mode
        if data is not None:
            self.proxy.data[agency] = data


@pytest.fixture
def agencies(
    sandbox: RunningSandbox,
    settings: Any,
) -> Iterator[Agencies]:
    settings.EXCHANGE_PKI_DIR = sandbox.pki_dir
    settings.EXCHANGE_SANDBOX_URL = sandbox.url
    credentials_forget()
    proxy = TamperingProxy(upstream=sandbox.url, pki=sandbox.pki_dir)
    try:
        yield Agencies(sandbox, proxy, settings)
    finally:
        proxy.close()
        sandbox.set_faults({})


def exchange_cache_clear() -> None:
    """Forget the exchange's cached answers and remembered request ids — only those keys:
    on Redis, `cache.clear()` flushes the whole database, other test workers' data too."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=backend.make_key("exchange:*")))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()  # in-process: this worker's own


def _forget_exchange_state() -> None:
    for reset in (credentials_forget, breakers_reset, exchange_cache_clear):
        reset()


@contextmanager
def exchange_through_sandbox(
    settings: Any, sandbox: RunningSandbox, *, timeout: float | None = 3.0
) -> Iterator[None]:
    """The portal's exchange pointed at the sandbox agencies, with nothing cached or
    remembered between tests (credentials, circuit breakers, cached answers, and the
    sandbox's injected faults afterwards). `timeout=None` keeps the configured one."""
    settings.EXCHANGE_PKI_DIR = sandbox.pki_dir
    settings.EXCHANGE_SANDBOX_URL = sandbox.url
    settings.EXCHANGE_AGENCY_URLS = {}
    if timeout is not None:
        settings.EXCHANGE_TIMEOUT_SECONDS = timeout
    settings.EXCHANGE_RETRIES = 0
    settings.EXCHANGE_CACHE_SECONDS = 0
    _forget_exchange_state()
    try:
        yield
    finally:
        sandbox.set_faults({})
        _forget_exchange_state()
