"""Georgian ↔ Latin: the national romanisation both ways and the Georgian keyboard layout."""

import pytest

from onewindow.catalog.search.translit import (
    GEORGIAN_LETTERS,
    georgian_to_latin,
    is_georgian,
    keyboard_to_georgian,
    latin_to_georgian,
)

# The national system (2002; BGN/PCGN 2009), an apostrophe marking each ejective.
NATIONAL = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
    "ი": "i", "კ": "k'", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p'", "ჟ": "zh",
    "რ": "r", "ს": "s", "ტ": "t'", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q'",
    "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts'", "ჭ": "ch'", "ხ": "kh",
    "ჯ": "j", "ჰ": "h",
}  # fmt: skip

# The Georgian QWERTY layout: every key, then the seven that Shift changes.
KEYBOARD = {
    "q": "ქ", "w": "წ", "e": "ე", "r": "რ", "t": "ტ", "y": "ყ", "u": "უ", "i": "ი",
    "o": "ო", "p": "პ", "a": "ა", "s": "ს", "d": "დ", "f": "ფ", "g": "გ", "h": "ჰ",
    "j": "ჯ", "k": "კ", "l": "ლ", "z": "ზ", "x": "ხ", "c": "ც", "v": "ვ", "b": "ბ",
    "n": "ნ", "m": "მ",
    "W": "ჭ", "R": "ღ", "T": "თ", "S": "შ", "J": "ჟ", "Z": "ძ", "C": "ჩ",
}  # fmt: skip

# Service titles from the source documents.
TITLES = [
    "ავტომობილის ფლობა",
    "ძებნა მოვალეთა რეესტრში",
    "საზღვრის კვეთა",
    "პიროვნების მონაწილეობა დოკუმენტებში",
    "ამონაწერის მომზადება მეწარმეთა და არასამეწარმეო იურიდიულ პირთა რეესტრიდან",
    "წილზე გირავნობის უფლების რეგისტრაცია",
    "საჯარო ინფორმაციის გასაიდუმლოება",
    "ჯანმრთელობა",
]


def test_the_tables_cover_the_whole_alphabet() -> None:
    assert set(NATIONAL) == set(GEORGIAN_LETTERS)
    assert set(KEYBOARD.values()) == set(GEORGIAN_LETTERS)


@pytest.mark.parametrize(("letter", "latin"), NATIONAL.items())
def test_each_letter_romanises_as_the_national_system(letter: str, latin: str) -> None:
    assert georgian_to_latin(letter) == latin


@pytest.mark.parametrize(
    ("georgian", "latin"),
    [
        # BGN/PCGN's own examples of the system
        ("თბილისი", "tbilisi"),
        ("მეღვინეთუხუცესი", "meghvinetukhutsesi"),
        ("ჭიანჭველა", "ch'ianch'vela"),
        ("ბაყაყი", "baq'aq'i"),
        # the examples
        ("საზღვრის კვეთა", "sazghvris k'veta"),
        ("ამონაწერი", "amonats'eri"),
        ("ქონება", "koneba"),
    ],
)
def test_words_romanise(georgian: str, latin: str) -> None:
    assert georgian_to_latin(georgian) == latin


def test_romanisation_without_apostrophes_is_how_most_people_type() -> None:
    assert georgian_to_latin("ამონაწერი", apostrophes=False) == "amonatseri"
    assert georgian_to_latin("საზღვრის კვეთა", apostrophes=False) == "sazghvris kveta"


def test_romanisation_keeps_what_is_not_georgian() -> None:
    assert georgian_to_latin("ID ბარათი, 2024 წ.") == "ID barati, 2024 ts'."


def test_capital_mtavruli_letters_romanise_like_mkhedruli() -> None:
    assert georgian_to_latin("ᲗᲑᲘᲚᲘᲡᲘ") == "tbilisi"


@pytest.mark.parametrize(
    ("latin", "georgian"),
    [
        ("amonats'eri", "ამონაწერი"),
        ("sazghvris k'veta", "საზღვრის კვეთა"),
        ("ch'ianch'vela", "ჭიანჭველა"),
        ("meghvinetukhutsesi", "მეღვინეთუხუცესი"),
        ("Tbilisi", "თბილისი"),
        ("TBILISI", "თბილისი"),
        ("zhurnali", "ჟურნალი"),
        ("dzebna", "ძებნა"),
    ],
)
def test_national_romanisation_reads_back(latin: str, georgian: str) -> None:
    assert latin_to_georgian(latin) == georgian


@pytest.mark.parametrize("apostrophe", ["'", "’", "`", "ʼ"])
def test_every_apostrophe_people_type_marks_the_ejective(apostrophe: str) -> None:
    assert latin_to_georgian(f"amonats{apostrophe}eri") == "ამონაწერი"
    assert latin_to_georgian(f"k{apostrophe}veta") == "კვეთა"


def test_without_an_apostrophe_the_aspirated_letter_is_read() -> None:
    assert latin_to_georgian("k t p ts ch q") == "ქ თ ფ ც ჩ ყ"
    assert latin_to_georgian("amonatseri") == "ამონაცერი"


def test_letters_outside_the_national_system_are_read_as_on_the_georgian_keyboard() -> None:
    assert latin_to_georgian("amonaweri") == "ამონაწერი"
    assert latin_to_georgian("xelfasi") == "ხელფასი"
    assert latin_to_georgian("cxovreba") == "ცხოვრება"


def test_reading_back_keeps_digits_and_punctuation() -> None:
    assert latin_to_georgian("N 01001, tbilisi!") == "ნ 01001, თბილისი!"


@pytest.mark.parametrize("text", [*TITLES, GEORGIAN_LETTERS])
def test_romanised_georgian_reads_back_unchanged(text: str) -> None:
    assert latin_to_georgian(georgian_to_latin(text)) == text


@pytest.mark.parametrize(("key", "letter"), KEYBOARD.items())
def test_each_key_types_its_georgian_letter(key: str, letter: str) -> None:
    assert keyboard_to_georgian(key) == letter


@pytest.mark.parametrize(
    ("typed", "georgian"),
    [
        ("amonaweri", "ამონაწერი"),
        ("qoneba", "ქონება"),
        ("sazRvris kveTa", "საზღვრის კვეთა"),
        ("WianWvela", "ჭიანჭველა"),
        ("Sinagan saqmeTa", "შინაგან საქმეთა"),
        ("kartuli", "კარტული"),
    ],
)
def test_latin_keys_type_georgian(typed: str, georgian: str) -> None:
    assert keyboard_to_georgian(typed) == georgian


def test_shift_changes_only_seven_keys() -> None:
    assert keyboard_to_georgian("QONEBA") == "ქონება"
    assert keyboard_to_georgian("WRTSJZC") == "ჭღთშჟძჩ"


def test_keyboard_keeps_digits_punctuation_and_georgian() -> None:
    assert keyboard_to_georgian("4 cifri, ID-ბარათი!") == "4 ციფრი, იდ-ბარათი!"


def test_every_georgian_word_typed_on_the_keyboard_comes_back() -> None:
    keys = {letter: key for key, letter in KEYBOARD.items()}
    for title in TITLES:
        typed = "".join(keys.get(char, char) for char in title)
        assert keyboard_to_georgian(typed) == title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ამონაწერი", True),
        ("საზღვრის კვეთა, 2024", True),
        ("ᲗᲑᲘᲚᲘᲡᲘ", True),
        ("amonaweri", False),
        ("ID ბარათი", False),
        ("2024", False),
        ("", False),
    ],
)
def test_is_georgian(text: str, expected: bool) -> None:
    assert is_georgian(text) is expected
