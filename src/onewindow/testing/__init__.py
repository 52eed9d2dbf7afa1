"""Test helpers shared by several rooms' tests (never imported by the portal itself)."""
