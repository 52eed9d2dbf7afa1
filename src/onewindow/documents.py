"""The portal's PDF documents share one typeface: Noto Sans Georgian for Georgian and Noto
Sans for Latin and digits, served from the portal's own static files (the same fonts as
the pages), so that every PDF — applications, answers, extracts, slips, exports — renders
Georgian correctly and embeds its fonts (PDF/A). WeasyPrint wants them as @font-face
rules; `font_faces()` writes them once for all."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from django.contrib.staticfiles import finders

FONT_FILES: Final = {
    ("Noto Sans Georgian", 400): "dist/fonts/noto-sans-georgian-georgian-400-normal.woff2",
    ("Noto Sans Georgian", 700): "dist/fonts/noto-sans-georgian-georgian-700-normal.woff2",
    ("Noto Sans", 400): "dist/fonts/noto-sans-latin-400-normal.woff2",
    ("Noto Sans", 700): "dist/fonts/noto-sans-latin-700-normal.woff2",
}


def font_faces() -> str:
    """@font-face rules for WeasyPrint: the static font files where they are built, else
    the fonts installed on the system (fonts-noto-core) by name."""
    rules = []
    for (family, weight), static_path in FONT_FILES.items():
        found = finders.find(static_path)
        path = found if isinstance(found, str) else None
        source = f'url("{Path(path).as_uri()}"), ' if path else ""
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: {source}local("{family}"); }}'
        )
    return "\n".join(rules)
