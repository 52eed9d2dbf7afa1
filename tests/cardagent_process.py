"""Fixtures: demo ID cards and the card agent (see docs/identity.md)."""
