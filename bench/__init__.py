"""Benchmarks of the portal (run by `make bench`); see bench/README.md."""
