"""Accounts with real passwords (Argon2) and real authenticator apps (TOTP)."""

from __future__ import annotations

import re
import time
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.identity.models import Account, TermsAcceptance
from onewindow.identity.steps import current_terms

PASSWORD = "juniper-kettle-orbit-42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def make_account(
    username: str, *, password: str = PASSWORD, totp: bool = False, **fields: Any
) -> Account:
    account = Account.objects.create_user(username=username, password=password, **fields)
    if totp:
        TOTPDevice.objects.create(user=account, name="authenticator app", confirmed=True)
    return account


def accept_current_terms(account: Account) -> None:
    """As if the person had accepted the published terms of use at an earlier sign-in."""
    terms = current_terms()
    if terms is not None:
        TermsAcceptance.objects.create(account=account, terms=terms)


def device_of(account: Account) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.get(user=account, confirmed=True)
    return device


def totp_now(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def key_from_secret_text(text: str) -> bytes:
    from base64 import b32decode

    return b32decode("".join(text.split()))


def code_for_key(key: bytes) -> str:
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def text_of(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def sign_in_post(
    client: Client, username: str, password: str, *, ip: str = "127.0.0.1", lang: str = "en"
) -> Any:
    return client.post(
        f"/{lang}/sign-in/password/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with little memory and one pass: the same algorithm (hashes start `argon2`),
    fast enough for tests on a small machine (the production parameters take ~0.8 s here)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def quick_argon2(settings: Any) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickArgon2PasswordHasher"]


@pytest.fixture
def citizen(db: None) -> Account:
    account = make_account(
        "nino.beridze",
        totp=True,
        personal_number="01001012345",
        first_name="Nino",
        last_name="Beridze",
    )
    accept_current_terms(account)
    return account


@pytest.fixture
def no_otp_throttle(settings: Any) -> None:
    """django-otp makes a device wait 1, 2, 4 … s after each wrong code; tests that send a
    right code right after a wrong one turn that off (the throttle has its own test)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
