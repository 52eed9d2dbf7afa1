"""The terms of use as the accept-terms page shows them.

A version's text is plain text, never HTML: blocks separated by a blank line; a block
starting "## " or "### " is a heading, a block whose lines all start "- " is a list, any
other block a paragraph. `{portal_name}`, `{support_email}` and `{support_phone}` are
filled in. The template escapes everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from onewindow.identity.models import TermsVersion


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3", "p" or "ul"
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _fill(text: str, language: str) -> str:
    portal = settings.PORTAL_NAME.get(language, settings.PORTAL_NAME["en"])
    return (
        text.replace("{portal_name}", portal)
        .replace("{support_email}", settings.SUPPORT_EMAIL)
        .replace("{support_phone}", settings.SUPPORT_PHONE)
    )


def blocks(text: str, language: str) -> list[Block]:
    result = []
    for raw in _fill(text, language).replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("### "):
            result.append(Block("h3", (first[4:].strip(),)))
        elif first.startswith("## "):
            result.append(Block("h2", (first[3:].strip(),)))
        elif all(line.startswith("- ") for line in lines):
            result.append(Block("ul", tuple(line[2:].strip() for line in lines)))
        else:
            result.append(Block("p", tuple(lines)))
    return result


def body(terms: TermsVersion, language: str) -> str:
    return terms.body_en if language == "en" and terms.body_en else terms.body_ka


def summary(terms: TermsVersion, language: str) -> str:
    return terms.summary_en if language == "en" and terms.summary_en else terms.summary_ka
