"""What the casework journeys need besides the browser: agency staff in the running
portal's database, a real SMTP server for the notification e-mails, the job worker that
sends them, a real PDF and JPEG to upload, and a browser tab of its own for each person.

Everything runs against the same database as the portal process: programs and
`manage.py` commands are started with the portal's environment (tests/e2e/conftest.py).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page

from .sessions import ROOT

SETTINGS = {"DJANGO_SETTINGS_MODULE": "onewindow.config.settings"}


def manage(env: dict[str, str], *args: str, timeout: int = 120) -> str:
    """A `manage.py` command of the running portal (its database), and its output."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return result.stdout


def portal_program(env: dict[str, str], program: str, *args: str) -> str:
    """Run a short Django program against the running portal's database; its output."""
    result = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + program, *args],
        env={**env, **SETTINGS},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Mailbox:
    """A real SMTP server's received messages (aiosmtpd's handler)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if address in str(message["To"])]


@contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def run_worker(env: dict[str, str], *, worker_id: str) -> None:
    """Run the portal's queued jobs once, as `make run`'s worker does: the e-mails and the
    uploaded files' signature checks among them (sending or uploading only queues them)."""
    manage(
        env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0",
        "--queue-name", "*", "--worker-id", worker_id,
    )  # fmt: skip


def run_jobs(env: dict[str, str], *, smtp_port: int) -> None:
    """The worker's run, sending the e-mails through the test's SMTP server."""
    run_worker(
        {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}, worker_id="casework-e2e"
    )


def create_staff(
    env: dict[str, str],
    username: str,
    *,
    agency: str,
    role: str,
    password: str,
    totp_key: str,
    first_name: str,
    last_name: str,
) -> None:
    """`manage.py create_staff`, as an administrator would: the member signs in with
    `password` and TOTP codes from `totp_key` (hex)."""
    output = manage(
        env, "create_staff", username, "--agency", agency, "--role", role,
        "--password", password, "--totp-secret", totp_key,
        "--first-name", first_name, "--last-name", last_name,
    )  # fmt: skip
    assert f"totp-secret-hex: {totp_key}" in output


def pdf_document(path: Path, text: str) -> Path:
    """A real PDF (WeasyPrint, as the portal makes its own) saying `text`."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    HTML(string=f"<html lang='en'><body><p>{text}</p></body></html>").write_pdf(path)
    return path


def jpeg_photo(path: Path) -> Path:
    """A real JPEG photo (Pillow)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 200)).save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


@contextmanager
def browser_tab(browser: Browser, portal_url: str, locale: str = "en-GB") -> Iterator[Page]:
    """A second person's tab (own cookies), held to the same rules as conftest's `page`:
    nothing leaves the portal's origin, no script or asset errors."""
    context = browser.new_context(base_url=portal_url, locale=locale, accept_downloads=True)
    blocked: list[str] = []
    problems: list[str] = []

    def only_our_origin(route: Any) -> None:
        if route.request.url.startswith(portal_url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    def console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def response(answer: Any) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            problems.append(f"{answer.status} {answer.url}")

    context.route("**/*", only_our_origin)
    tab = context.new_page()
    tab.on("console", console)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("response", response)
    try:
        yield tab
    finally:
        context.close()
    assert blocked == [], f"requests left the portal's origin: {blocked}"
    assert problems == [], f"errors in the browser: {problems}"


def pdf_text(pdf: Path) -> str:
    """The text of a PDF as poppler's `pdftotext` reads it (what a person sees)."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return done.stdout


def pdfsig(pdf: Path, *, root_pem: Path, pki_url: str, workdir: Path) -> str:
    """poppler's `pdfsig` on `pdf`, with an NSS database of its own that trusts the
    session PKI's root and holds its CAs' current CRLs (as a relying party's would), so
    it judges the chain and revocation itself; its whole output."""
    import urllib.request

    database = workdir / "nss"
    database.mkdir(parents=True, exist_ok=True)
    home = workdir / "home"  # no NSS database of the user's
    home.mkdir(exist_ok=True)
    nss = f"sql:{database}"
    # poppler reads NSS's last error even after a good check: link the built-in roots
    # module beside the database so that NSS finds it (see signing/tests/conftest.py).
    for builtin in (
        Path("/usr/lib/x86_64-linux-gnu/libnssckbi.so"),
        Path("/usr/lib/aarch64-linux-gnu/libnssckbi.so"),
    ):
        if builtin.exists() and not (database / builtin.name).exists():
            (database / builtin.name).symlink_to(builtin)
            break

    def nss_tool(*args: str) -> None:
        subprocess.run(args, capture_output=True, check=True, timeout=60)

    nss_tool("certutil", "-N", "--empty-password", "-d", nss)
    nss_tool("certutil", "-A", "-n", "session-root", "-t", "CT,C,C", "-i", str(root_pem), "-d", nss)
    for ca in ("root-ca", "idcard-ca", "seal-ca"):
        with urllib.request.urlopen(f"{pki_url}/crl/{ca}.crl", timeout=10) as answer:  # noqa: S310
            crl = database / f"{ca}.crl"
            crl.write_bytes(answer.read())
        nss_tool("crlutil", "-I", "-B", "-i", str(crl), "-d", nss)
    done = subprocess.run(
        ["pdfsig", "-nssdir", nss, "-no-ocsp", str(pdf)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return done.stdout + done.stderr


def assert_pdfsig_trusts(pdf: Path, common_name: str, *, pki_server: Any, workdir: Path) -> None:
    """pdfsig, judging by itself, finds the file's first signature (`common_name`'s, over
    the revision signed) valid and chaining to the session root, and a document timestamp
    after it (B-LTA: the archive timestamp and validation data are added later)."""
    root = Path(pki_server.pki.directory) / "root-ca.pem"
    checked = pdfsig(pdf, root_pem=root, pki_url=pki_server.url, workdir=workdir)
    first = re.split(r"^Signature #\d+:\s*$", checked, flags=re.MULTILINE)[1]
    assert f"Signer Certificate Common Name: {common_name}" in first, checked
    assert "Signature Validation: Signature is Valid." in first, checked
    assert "Certificate Validation: Certificate is Trusted." in first, checked
    assert "Timestamp" in checked, checked  # the document timestamp pdfsig lists second
