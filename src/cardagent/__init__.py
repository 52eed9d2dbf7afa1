"""OneWindow's card agent: demo ID cards and the citizen-side helper that signs sign-in challenges.

No Django here: this runs on the citizen's computer, like Web eID's native application.
"""

from __future__ import annotations

APP_NAME = "onewindow-cardagent"
VERSION = "1.0.0"
APP_VERSION_URL = f"https://onewindow.example/cardagent/{VERSION}"
