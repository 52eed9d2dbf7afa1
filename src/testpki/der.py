"""The little DER that asn1crypto's structures do not cover."""

from __future__ import annotations

from asn1crypto import core


def oid(dotted: str) -> bytes:
    encoded: bytes = core.ObjectIdentifier(dotted).dump()
    return encoded


def sequence(content: bytes) -> bytes:
    """A SEQUENCE holding `content` (already DER-encoded elements)."""
    length = len(content)
    if length < 0x80:
        header = bytes([length])
    else:
        size = length.to_bytes((length.bit_length() + 7) // 8, "big")
        header = bytes([0x80 | len(size)]) + size
    return b"\x30" + header + content
