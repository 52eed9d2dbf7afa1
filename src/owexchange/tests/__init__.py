"""Tests of the exchange protocol library, without Django."""
