"""Fixtures: the ID-card test PKI and its OCSP/CRL/TSA server (see docs/identity.md)."""
