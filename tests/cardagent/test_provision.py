"""Provisioning: SoftHSM2 tokens with non-extractable keys, soft-card files, idempotence."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from cardagent.cards import KeySlot, PinBlocked, WrongPin
from cardagent.softcard import SoftCardReader
from tests.cardagent.helpers import single_card_pki
from tests.cardagent_process import REPOSITORY, DemoCards, provision_cards

# Run in a subprocess: SoftHSM2 reads SOFTHSM2_CONF once per process.
INSPECT_TOKENS = """
import json, sys
import pkcs11
from pkcs11 import Attribute, ObjectClass
lib = pkcs11.lib("/usr/lib/softhsm/libsofthsm2.so")
report = {}
for token in lib.get_tokens():
    if not token.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED:
        continue
    card = report[token.label] = {"keys": {}, "certificates": {}}
    with token.open() as session:
        card["public_objects"] = len(list(session.get_objects()))
        for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            card["certificates"][cert[Attribute.LABEL]] = [
                cert[Attribute.ID].hex(), cert[Attribute.VALUE].hex()]
    with token.open(user_pin=sys.argv[1] if token.label == sys.argv[2] else None) as session:
        for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
            flags = {a.name: bool(key[a]) for a in (Attribute.SENSITIVE, Attribute.EXTRACTABLE,
                     Attribute.PRIVATE, Attribute.SIGN, Attribute.DECRYPT, Attribute.UNWRAP,
                     Attribute.DERIVE, Attribute.TOKEN)}
            try:
                key[Attribute.PRIVATE_EXPONENT if key.key_type == pkcs11.KeyType.RSA
                    else Attribute.VALUE]
                flags["value_readable"] = True
            except pkcs11.AttributeSensitive:
                flags["value_readable"] = False
            card["keys"][key[Attribute.LABEL]] = [key[Attribute.ID].hex(), flags]
print(json.dumps(report))
"""


def _inspect(cards_dir: Path, pin: str, label: str) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", INSPECT_TOKENS, pin, label],
        env={"SOFTHSM2_CONF": str(cards_dir / "softhsm2.conf"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
        timeout=60,
    )
    report: dict[str, dict[str, object]] = json.loads(done.stdout)
    return report


def test_every_card_is_a_softhsm_token_with_sealed_keys(demo_cards: DemoCards) -> None:
    assert demo_cards.kind == "softhsm"
    card = demo_cards.card("rsa2048")
    report = _inspect(demo_cards.directory, card["pin"], card["label"])
    seals = json.loads((demo_cards.pki_dir / "seals.json").read_text())
    assert set(report) == {entry["label"] for entry in demo_cards.cards} | {
        f"seal-{seal['code']}" for seal in seals
    }
    for entry in demo_cards.cards:
        token = report[entry["label"]]
        certificates = token["certificates"]
        assert isinstance(certificates, dict)
        for slot in KeySlot:
            pem = (demo_cards.pki_dir / entry[f"{slot.label}_cert"]).read_bytes()
            expected = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
            assert certificates[slot.label] == [slot.object_id.hex(), expected.hex()]
        # Without the PIN nothing private shows: only the two certificates are visible.
        assert token["public_objects"] == 2
    keys = report[card["label"]]["keys"]
    assert isinstance(keys, dict)
    assert set(keys) == {"auth", "sign"}
    for slot in KeySlot:
        object_id, flags = keys[slot.label]
        assert object_id == slot.object_id.hex()
        assert flags == {
            "SENSITIVE": True,
            "EXTRACTABLE": False,
            "PRIVATE": True,
            "SIGN": True,
            "DECRYPT": False,
            "UNWRAP": False,
            "DERIVE": False,
            "TOKEN": True,
            "value_readable": False,
        }


def test_every_company_seal_is_a_token_with_one_sealed_key(demo_cards: DemoCards) -> None:
    seals = json.loads((demo_cards.pki_dir / "seals.json").read_text())
    assert [seal["pin"] for seal in seals] == ["4040", "4098"]
    for seal in seals:
        label = f"seal-{seal['code']}"
        token = _inspect(demo_cards.directory, seal["pin"], label)[label]
        pem = (demo_cards.pki_dir / seal["cert"]).read_bytes()
        expected = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        assert token["certificates"] == {"sign": ["02", expected.hex()]}
        assert token["public_objects"] == 1
        keys = token["keys"]
        assert isinstance(keys, dict) and set(keys) == {"sign"}
        object_id, flags = keys["sign"]
        assert object_id == "02"
        assert flags["EXTRACTABLE"] is False and flags["value_readable"] is False
        assert flags["SIGN"] is True and flags["DECRYPT"] is False


def test_soft_card_fallback_makes_seal_devices_too(demo_cards: DemoCards, tmp_path: Path) -> None:
    cards = provision_cards(demo_cards.pki_dir, tmp_path / "soft", softhsm=False)
    assert cards.kind == "softcard"
    seal = json.loads((demo_cards.pki_dir / "seals.json").read_text())[1]
    (device,) = SoftCardReader(cards.directory, only=frozenset({f"seal-{seal['code']}"})).cards()
    assert device.is_seal
    digest = hashlib.sha256(b"sealed").digest()
    with pytest.raises(WrongPin):
        device.sign_digest(KeySlot.SIGN, "1111", digest)
    algorithm, signature = device.sign_digest(KeySlot.SIGN, seal["pin"], digest)
    assert algorithm.name == "RS256" and len(signature) == 256
    assert device.tries_left() == 3


def test_provisioning_again_is_a_fast_no_op_unless_forced(
    demo_cards: DemoCards, tmp_path: Path
) -> None:
    card = demo_cards.card("ec-p256")
    pki = single_card_pki(demo_cards.pki_dir, card["label"], tmp_path / "pki")
    cards = provision_cards(pki, tmp_path / "cards")
    token_files = sorted(p for p in (cards.directory / "tokens").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in token_files}
    command = [sys.executable, "-m", "cardagent", "provision", "--pki", str(pki)]
    command += ["--into", str(cards.directory)]
    started = time.monotonic()
    subprocess.run(command, cwd=REPOSITORY, env={"PYTHONPATH": "src"}, check=True, timeout=60)
    assert time.monotonic() - started < 5
    assert {p: p.stat().st_mtime_ns for p in token_files} == before
    subprocess.run(
        [*command, "--force"], cwd=REPOSITORY, env={"PYTHONPATH": "src"}, check=True, timeout=60
    )
    assert not any(p.exists() for p in token_files)  # a new token replaced the old one
    assert _inspect(cards.directory, card["pin"], card["label"])[card["label"]]["keys"]


def test_soft_cards_need_the_pin_and_count_tries(demo_cards: DemoCards, tmp_path: Path) -> None:
    entry = demo_cards.card("rsa2048")
    pki = single_card_pki(demo_cards.pki_dir, entry["label"], tmp_path / "pki")
    cards = provision_cards(pki, tmp_path / "soft", softhsm=False)
    assert cards.kind == "softcard"
    card_file = cards.directory / f"{entry['label']}.card"
    private_pem = (demo_cards.pki_dir / entry["auth_key"]).read_bytes()
    private_der = serialization.load_pem_private_key(private_pem, None).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    content = card_file.read_bytes()
    assert private_der[-64:] not in content and b"PRIVATE KEY" not in content
    assert entry["pin"].encode() not in content.replace(entry["label"].encode(), b"")

    [card] = SoftCardReader(cards.directory).cards()
    assert card.label == entry["label"]
    digest = hashlib.sha256(b"document").digest()
    algorithm, signature = card.sign_digest(KeySlot.AUTH, entry["pin"], digest)
    assert algorithm.name == "RS256" and len(signature) == 256
    with pytest.raises(WrongPin) as first:
        card.sign_digest(KeySlot.AUTH, "9731", digest)
    assert first.value.tries_left == 2
    assert "9731" not in str(first.value)
    card.sign_digest(KeySlot.SIGN, entry["pin"], digest)  # the signing key works the same way
    for left in (2, 1):
        with pytest.raises(WrongPin) as wrong:
            card.sign_digest(KeySlot.AUTH, "9731", digest)
        assert wrong.value.tries_left == left
    with pytest.raises(PinBlocked):
        card.sign_digest(KeySlot.AUTH, "9731", digest)
    [reread] = SoftCardReader(cards.directory).cards()
    with pytest.raises(PinBlocked):
        reread.sign_digest(KeySlot.AUTH, entry["pin"], digest)
