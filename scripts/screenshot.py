"""Take the README's screenshot: the Georgian home page, served as `make run` serves it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "screenshot-home.png"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "onewindow.config.asgi:application",
         "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DEBUG": "true", "PYTHONPATH": str(ROOT / "src")},
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/ka/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(TARGET))
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    print(f"Saved {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
