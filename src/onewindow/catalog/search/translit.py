"""Georgian and Latin letters: the national romanisation and the Georgian keyboard layout.

The national system is the one adopted in 2002 (BGN/PCGN since 2009), with an apostrophe
for each ejective consonant; the keyboard layout is the standard Georgian QWERTY one.
"""

from __future__ import annotations

import re
import unicodedata

# Mkhedruli, the script Georgian is written in, in alphabetical order.
GEORGIAN_LETTERS = "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"

# The apostrophe-like marks people type after an ejective consonant.
APOSTROPHES = "'’`ʼ‘"

_NATIONAL_ROMANISATION: dict[str, str] = {
    "ა": "a",
    "ბ": "b",
    "გ": "g",
    "დ": "d",
    "ე": "e",
    "ვ": "v",
    "ზ": "z",
    "თ": "t",
    "ი": "i",
    "კ": "k'",
    "ლ": "l",
    "მ": "m",
    "ნ": "n",
    "ო": "o",
    "პ": "p'",
    "ჟ": "zh",
    "რ": "r",
    "ს": "s",
    "ტ": "t'",
    "უ": "u",
    "ფ": "p",
    "ქ": "k",
    "ღ": "gh",
    "ყ": "q'",
    "შ": "sh",
    "ჩ": "ch",
    "ც": "ts",
    "ძ": "dz",
    "წ": "ts'",
    "ჭ": "ch'",
    "ხ": "kh",
    "ჯ": "j",
    "ჰ": "h",
}

# The Georgian QWERTY layout; the seven shifted keys give seven more letters, every other
# key gives the same letter with or without Shift.
_KEYBOARD: dict[str, str] = {
    "q": "ქ",
    "w": "წ",
    "e": "ე",
    "r": "რ",
    "t": "ტ",
    "y": "ყ",
    "u": "უ",
    "i": "ი",
    "o": "ო",
    "p": "პ",
    "a": "ა",
    "s": "ს",
    "d": "დ",
    "f": "ფ",
    "g": "გ",
    "h": "ჰ",
    "j": "ჯ",
    "k": "კ",
    "l": "ლ",
    "z": "ზ",
    "x": "ხ",
    "c": "ც",
    "v": "ვ",
    "b": "ბ",
    "n": "ნ",
    "m": "მ",
}
_KEYBOARD_SHIFTED: dict[str, str] = {
    "W": "ჭ",
    "R": "ღ",
    "T": "თ",
    "S": "შ",
    "J": "ჟ",
    "Z": "ძ",
    "C": "ჩ",
}

# Reading the national romanisation back: an apostrophe marks the ejective, its absence
# the aspirated letter. Letters the national system does not use (c f w x y) are read as
# on the Georgian keyboard, as people typing Georgian in Latin letters mean them.
_NATIONAL_READING: dict[str, str] = {
    "ts'": "წ",
    "ch'": "ჭ",
    "ts": "ც",
    "ch": "ჩ",
    "kh": "ხ",
    "gh": "ღ",
    "sh": "შ",
    "zh": "ჟ",
    "dz": "ძ",
    "k'": "კ",
    "t'": "ტ",
    "p'": "პ",
    "q'": "ყ",
    "k": "ქ",
    "t": "თ",
    "p": "ფ",
    "q": "ყ",
    **{letter: georgian for letter, georgian in _KEYBOARD.items() if letter not in "kpqt"},
}
# Longest first; an apostrophe after a letter with no ejective form is a slip, and dropped.
_NATIONAL_PATTERN = re.compile(
    "|".join(
        latin.replace("'", f"[{APOSTROPHES}]")
        if latin.endswith("'")
        else f"{latin}[{APOSTROPHES}]?"
        for latin in sorted(_NATIONAL_READING, key=len, reverse=True)
    )
)


def georgian_to_latin(text: str, *, apostrophes: bool = True) -> str:
    """Romanise the Georgian letters of `text` (national system); other text is kept.

    Without `apostrophes`, ejectives are written like their aspirated pairs, as on road
    signs and as most people type ("amonatseri" for ამონაწერი).
    """
    letters = (_NATIONAL_ROMANISATION.get(char, char) for char in _to_mkhedruli(text))
    latin = "".join(letters)
    return latin if apostrophes else latin.replace("'", "")


def latin_to_georgian(text: str) -> str:
    """Read Latin letters as the national romanisation of Georgian; other text is kept.

    Digraphs are read before single letters ("ts'" წ, "ts" ც, "kh" ხ, …), which makes the
    reading of a rare თს or ქჰ ambiguous — a limit of the national system itself.
    """
    lowered = unicodedata.normalize("NFC", text).lower()
    return _NATIONAL_PATTERN.sub(lambda match: _reading(match.group()), lowered)


def keyboard_to_georgian(text: str) -> str:
    """What `text` becomes when typed with the Georgian QWERTY layout switched on."""
    return "".join(
        _KEYBOARD_SHIFTED.get(char) or _KEYBOARD.get(char.lower(), char) for char in text
    )


def is_georgian(text: str) -> bool:
    """Whether `text` has letters and all of them are Georgian."""
    letters = [char for char in _to_mkhedruli(text) if char.isalpha()]
    return bool(letters) and all(char in _GEORGIAN_SET for char in letters)


def _reading(latin: str) -> str:
    if latin[-1] in APOSTROPHES:
        return _NATIONAL_READING.get(latin[:-1] + "'") or _NATIONAL_READING[latin[:-1]]
    return _NATIONAL_READING[latin]


def _to_mkhedruli(text: str) -> str:
    # Mtavruli (capital forms, U+1C90–U+1CBF) lowercase to Mkhedruli; Latin is left alone.
    return "".join(char.lower() if "\u1c90" <= char <= "\u1cbf" else char for char in text)


_GEORGIAN_SET = frozenset(GEORGIAN_LETTERS) | frozenset("ჱჲჳჴჵჶჷჸჹჺ")
