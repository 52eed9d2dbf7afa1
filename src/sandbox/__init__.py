"""Sandbox agencies: simulated registries the portal reaches only over the exchange protocol.

Nothing here is imported by the portal (`onewindow`); the sandbox itself imports only
`owexchange`, the standard library and PyPI packages. See `docs/demo-data.md`.
"""
