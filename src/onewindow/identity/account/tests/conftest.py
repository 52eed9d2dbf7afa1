"""The account pages' tests use the identity room's people (identity/tests/conftest.py)."""

from onewindow.identity.tests.conftest import giorgi, nino

__all__ = ["giorgi", "nino"]
