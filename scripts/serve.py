"""`make run`: the portal and everything around it, side by side, until Ctrl+C.

Separate processes, as in production: the sandbox agencies (reached only over the signed
data exchange on loopback, with the sandbox SMS gateway and mailbox), the ID-card PKI's
OCSP/CRL/TSA server, the citizen's card agent with the demo ID cards, and the portal.
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
SMTP_PORT = os.environ.get("SMTP_PORT", "8025")
PKI_PORT = os.environ.get("PKI_PORT", "8300")
CARDAGENT_PORT = os.environ.get("CARDAGENT_PORT", "24727")
# The demo operator's sign-in (a demo only: `make run` is never a production set-up).
DEMO_OPERATOR_PASSWORD = "hall-desk-demo-2026"  # noqa: S105
DEMO_OPERATOR_TOTP_HEX = "3132333435363738393031323334353637383930"
DEMO_OPERATOR_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
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
        "PORTAL_ORIGIN": f"http://{HOST}:{PORT}",
        "IDCARD_PKI_DIR": str(VAR / "idpki"),
        "IDCARD_TRUSTED_CA_FILES": str(VAR / "idpki" / "idcard-ca.pem"),
        "IDCARD_OCSP_URL": f"http://127.0.0.1:{PKI_PORT}/ocsp/idcard-ca",
        "CARDAGENT_URL": f"http://127.0.0.1:{CARDAGENT_PORT}",
        "SMS_PROVIDER_URL": f"http://127.0.0.1:{SANDBOX_PORT}/sms-gateway",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": SMTP_PORT,
    }
    env.setdefault("DEBUG", "true")
    python = sys.executable
    sandbox = subprocess.Popen(
        [python, "-m", "sandbox", "serve", "--host", "127.0.0.1", "--port", SANDBOX_PORT,
         "--pki", str(VAR / "pki")],
        cwd=ROOT, env={**env, "SANDBOX_VAR_DIR": str(VAR / "sandbox")},
    )  # fmt: skip
    pki = subprocess.Popen(
        [python, "-m", "testpki", "serve", str(VAR / "idpki"), "--host", "127.0.0.1",
         "--port", PKI_PORT],
        cwd=ROOT, env=env,
    )  # fmt: skip
    # The card agent runs on the citizen's computer; here, beside the portal, with every
    # demo card "inserted" (its dialog asks which one).
    agent = subprocess.Popen(
        [python, "-m", "cardagent", "serve", "--cards", str(VAR / "cards"),
         "--origin", f"http://{HOST}:{PORT}", "--port", CARDAGENT_PORT,
         "--ocsp-url", f"http://127.0.0.1:{PKI_PORT}/ocsp/idcard-ca"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    # Background jobs (PDF renditions, delivery to agencies, notifications): the database
    # queue, as in production.
    worker = subprocess.Popen(
        [python, str(ROOT / "manage.py"), "db_worker", "--queue-name", "*", "--interval", "1",
         "--no-reload", "--no-startup-delay"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    # The portal's clock: enqueues the daily jobs (drafts expiry at 03:00 Tbilisi time)
    # for the worker above, each day once even across restarts.
    scheduler = subprocess.Popen(
        [python, str(ROOT / "manage.py"), "run_schedule"], cwd=ROOT, env=env
    )
    portal = subprocess.Popen(
        [python, "-m", "uvicorn", "onewindow.config.asgi:application", "--host", HOST,
         "--port", PORT, "--lifespan", "off"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    processes = [portal, scheduler, worker, agent, pki, sandbox]
    # `kill`/`timeout` send SIGTERM: stop the children as Ctrl+C would, not orphan them.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_for(f"http://127.0.0.1:{SANDBOX_PORT}/civil-registry/health", sandbox)
        wait_for(f"http://127.0.0.1:{PKI_PORT}/health", pki)
        wait_for(f"http://127.0.0.1:{CARDAGENT_PORT}/v1/status", agent)
        wait_for(f"http://{HOST}:{PORT}/healthz", portal)
        # A demo Public Service Hall operator (idempotent: the same account every time).
        subprocess.run(
            [python, str(ROOT / "manage.py"), "create_operator", "operator",
             "--hall", "Tbilisi, Public Service Hall", "--password", DEMO_OPERATOR_PASSWORD,
             "--totp-secret", DEMO_OPERATOR_TOTP_HEX, "--first-name", "Eka",
             "--last-name", "Lomidze"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        # A demo clerk and a demo head in every agency's back-office, so that whatever a
        # demo citizen applies for can be answered (and an overdue case escalated); the
        # same password and authenticator key as the operator's, for the demo.
        for username, role, first, last in (
            ("clerk", "clerk", "Nana", "Gelashvili"),
            ("head", "head", "Irakli", "Tsereteli"),
        ):
            subprocess.run(
                [python, str(ROOT / "manage.py"), "create_staff", username, "--agency", "all",
                 "--role", role, "--password", DEMO_OPERATOR_PASSWORD,
                 "--totp-secret", DEMO_OPERATOR_TOTP_HEX, "--first-name", first,
                 "--last-name", last],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
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
            '\n  Sign in with a demo ID card: press "Sign in with ID card"; the card agent\n'
            f"  (http://127.0.0.1:{CARDAGENT_PORT}) opens a window: choose a card, type the PIN.\n"
            "  Cards and PINs: Nino Beridze 1234, Giorgi 2345, Mariam 3456, Tamaz 4567,\n"
            "  Levan Kapanadze 5678 (a revoked card 6789, an expired one 7890).\n"
            "  The first sign-in registers you; the codes it sends arrive in\n"
            f"  http://127.0.0.1:{SANDBOX_PORT}/mailbox/ (e-mail) and\n"
            f"  http://127.0.0.1:{SANDBOX_PORT}/sms-gateway/ (SMS).\n"
            "\n  Public Service Hall desk: sign in as `operator`, password\n"
            f"  {DEMO_OPERATOR_PASSWORD}, with an authenticator app set up with the key\n"
            f"  {DEMO_OPERATOR_TOTP_BASE32}\n"
            f"  then http://{HOST}:{PORT}/ka/hall/ registers citizens without an ID card.\n"
            "  The agencies' back-office: sign in as `clerk` (a clerk of every agency) or\n"
            "  `head` (the head of every agency, who gets escalations), with the same\n"
            f"  password and key, then http://{HOST}:{PORT}/ka/office/.\n"
            f"  Check a sealed document: http://{HOST}:{PORT}/ka/verify/\n"
            "\n  Stop with Ctrl+C.\n",
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
