"""`make run`: the sandbox agencies and the portal side by side, until Ctrl+C.

Both are separate processes, as in production: the portal reaches the agencies only over
the signed data exchange on loopback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
SANDBOX_PORT = os.environ.get("SANDBOX_PORT", "8100")
VAR = Path(os.environ.get("ONEWINDOW_VAR_DIR", ROOT / "var"))


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"{process.args[2]} stopped while starting (exit {process.returncode})"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "EXCHANGE_SANDBOX_URL": f"http://127.0.0.1:{SANDBOX_PORT}",
        "EXCHANGE_PKI_DIR": str(VAR / "pki"),
    }
    env.setdefault("DEBUG", "true")
    python = sys.executable
    sandbox = subprocess.Popen(
        [python, "-m", "sandbox", "serve", "--host", "127.0.0.1", "--port", SANDBOX_PORT,
         "--pki", str(VAR / "pki")],
        cwd=ROOT, env={**env, "SANDBOX_VAR_DIR": str(VAR / "sandbox")},
    )  # fmt: skip
    portal = subprocess.Popen(
        [python, "-m", "uvicorn", "onewindow.config.asgi:application", "--host", HOST,
         "--port", PORT, "--lifespan", "off"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    processes = [portal, sandbox]
    # `kill`/`timeout` send SIGTERM: stop the children as Ctrl+C would, not orphan them.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_for(f"http://127.0.0.1:{SANDBOX_PORT}/civil-registry/health", sandbox)
        wait_for(f"http://{HOST}:{PORT}/healthz", portal)
        # The agencies tell the portal who looked at the demo persons' data in their systems.
        subprocess.run(
            [python, "-m", "sandbox", "report-accesses", "--portal", f"http://{HOST}:{PORT}",
             "--pki", str(VAR / "pki")],
            cwd=ROOT, env=env, check=False,
        )  # fmt: skip
        print(
            f"\n  OneWindow: http://{HOST}:{PORT}/ka/  (English: http://{HOST}:{PORT}/en/)\n"
            f"  Sandbox agencies: http://127.0.0.1:{SANDBOX_PORT}/<agency>/openapi.json\n"
            "  Demo persons and what each agency holds about them: docs/demo-data.md\n"
            "  Sign-in arrives with the identity issue; until then My data is shown in the\n"
            "  tests. Stop with Ctrl+C.\n",
            flush=True,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
