"""Georgian mobile numbers as people type them, and the sandbox's outbox and mailbox."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx
import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.identity.idcard.forms import MobileForm, display_mobile, normalise_mobile


@pytest.mark.parametrize(
    "typed",
    ["555123456", "555 12 34 56", "+995 555 12 34 56", "00995555123456", "995-555-12-34-56",
     "(555) 12-34-56", " +995555123456 "],
)  # fmt: skip
def test_a_georgian_mobile_number_in_any_usual_form(typed: str) -> None:
    assert normalise_mobile(typed) == "+995555123456"
    assert display_mobile("+995555123456") == "+995 555 12 34 56"


@pytest.mark.parametrize(
    "typed",
    ["", "32 2 00 00 00", "+995 322 00 00 00", "+1 202 555 0100", "55512345", "5551234567",
     "555-12-34-5x", "+995 555 12 34 566"],
)  # fmt: skip
def test_other_numbers_are_refused_with_a_message(typed: str) -> None:
    assert normalise_mobile(typed) is None
    form = MobileForm({"mobile": typed})
    assert not form.is_valid()
    assert form.error_list()[0][0] == "id_mobile"


def test_the_sandbox_keeps_sms_and_mail_for_people_to_read(sandbox: RunningSandbox) -> None:
    number = "+995599000111"
    answer = httpx.post(
        f"{sandbox.url}/sms-gateway/messages",
        json={"to": number, "sender": "OneWindow", "text": "<b>code</b> 111222"},
        timeout=5,
    )
    assert answer.status_code == 201 and answer.json()["id"]
    bad = httpx.post(
        f"{sandbox.url}/sms-gateway/messages",
        json={"to": "599000111", "sender": "OneWindow", "text": "x"},
        timeout=5,
    )
    assert bad.status_code == 422
    listed = httpx.get(f"{sandbox.url}/sms-gateway/messages", params={"to": number}).json()
    assert [m["text"] for m in listed] == ["<b>code</b> 111222"]
    outbox = httpx.get(f"{sandbox.url}/sms-gateway/").text
    assert "&lt;b&gt;code&lt;/b&gt; 111222" in outbox and "<b>code</b>" not in outbox

    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Code", "a@example.com", "Me@Example.com"
    message.set_content("Your code is 333444")
    with smtplib.SMTP("127.0.0.1", sandbox.smtp_port, timeout=5) as smtp:
        smtp.send_message(message)
    mail = httpx.get(f"{sandbox.url}/mailbox/messages", params={"to": "me@example.com"}).json()
    assert mail[0]["subject"] == "Code" and "333444" in mail[0]["text"]
    assert "333444" in httpx.get(f"{sandbox.url}/mailbox/").text
