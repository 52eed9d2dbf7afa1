"""Persons and accounts: who a user is (login methods come with the identity issue)."""
