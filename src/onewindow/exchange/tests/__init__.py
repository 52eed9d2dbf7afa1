"""Tests of the data exchange (the client against the sandbox agencies, the endpoint)."""
