"""The notifications tests. `run_jobs()` runs the queued delivery jobs (see jobs.py)."""

from .jobs import run_jobs

__all__ = ["run_jobs"]
