"""The engine's error messages and display words, in Georgian and English.

Plain {ka, en} dicts rather than gettext: the engine is pure Python and answers in the
language it is asked for (a draft's language, not the request's), e.g. for the PDF.
"""

from __future__ import annotations

import datetime

MESSAGES: dict[str, dict[str, str]] = {
    "enter": {"en": "Enter {label}", "ka": "შეავსეთ ველი „{label}“"},
    "select": {"en": "Select {label}", "ka": "აირჩიეთ: „{label}“"},
    "upload": {"en": "Upload {label}", "ka": "ატვირთეთ: „{label}“"},
    "too_long": {
        "en": "{Label} must be {n} characters or fewer",
        "ka": "„{label}“ არ უნდა აღემატებოდეს {n} სიმბოლოს",
    },
    "too_short": {
        "en": "{Label} must be {n} characters or more",
        "ka": "„{label}“ უნდა შეიცავდეს მინიმუმ {n} სიმბოლოს",
    },
    "format": {
        "en": "Enter {label} in the correct format",
        "ka": "„{label}“ მიუთითეთ სწორი ფორმატით",
    },
    "number": {"en": "{Label} must be a number", "ka": "„{label}“ უნდა იყოს რიცხვი"},
    "whole_number": {
        "en": "{Label} must be a whole number",
        "ka": "„{label}“ უნდა იყოს მთელი რიცხვი",
    },
    "decimals": {
        "en": "{Label} must have {n} decimal places or fewer",
        "ka": "„{label}“ არ უნდა შეიცავდეს {n}-ზე მეტ ათწილადს",
    },
    "min": {"en": "{Label} must be {n} or more", "ka": "„{label}“ უნდა იყოს მინიმუმ {n}"},
    "max": {"en": "{Label} must be {n} or less", "ka": "„{label}“ არ უნდა აღემატებოდეს {n}-ს"},
    "date_part": {
        "en": "{Label} must include a {part}",
        "ka": "„{label}“ უნდა შეიცავდეს {part}",
    },
    "date_real": {"en": "{Label} must be a real date", "ka": "„{label}“ უნდა იყოს რეალური თარიღი"},
    "not_before": {
        "en": "{Label} must be the same as or after {date}",
        "ka": "„{label}“ არ უნდა იყოს {date}-ზე ადრე",
    },
    "not_after": {
        "en": "{Label} must be the same as or before {date}",
        "ka": "„{label}“ არ უნდა იყოს {date}-ზე გვიან",
    },
    "min_selected": {
        "en": "Select at least {n} options for {label}",
        "ka": "„{label}“: აირჩიეთ მინიმუმ {n} ვარიანტი",
    },
    "max_selected": {
        "en": "Select no more than {n} options for {label}",
        "ka": "„{label}“: აირჩიეთ არაუმეტეს {n} ვარიანტისა",
    },
    "personal_number": {
        "en": "{Label} must be 11 digits, like 01001012345",
        "ka": "„{label}“ უნდა შედგებოდეს 11 ციფრისგან, მაგალითად 01001012345",
    },
    "company_code": {
        "en": "{Label} must be 9 digits, like 404123456",
        "ka": "„{label}“ უნდა შედგებოდეს 9 ციფრისგან, მაგალითად 404123456",
    },
    "cadastral_code": {
        "en": "Enter {label} in the correct format, like 01.18.01.055.017",
        "ka": "„{label}“ მიუთითეთ სწორი ფორმატით, მაგალითად 01.18.01.055.017",
    },
    "plate": {
        "en": "Enter {label} in the correct format, like AA-123-BB",
        "ka": "„{label}“ მიუთითეთ სწორი ფორმატით, მაგალითად AA-123-BB",
    },
    "email": {
        "en": "Enter {label} in the correct format, like name@example.com",
        "ka": "„{label}“ მიუთითეთ სწორი ფორმატით, მაგალითად name@example.com",
    },
    "phone": {
        "en": "Enter {label} in the correct format, like 555 12 34 56",
        "ka": "„{label}“ მიუთითეთ სწორი ფორმატით, მაგალითად 555 12 34 56",
    },
    "address_part": {
        "en": "Enter the {part} of {label}",
        "ka": "„{label}“: შეავსეთ ველი „{part}“",
    },
    "postcode": {
        "en": "The postcode of {label} must be 4 digits",
        "ka": "„{label}“: საფოსტო ინდექსი უნდა შედგებოდეს 4 ციფრისგან",
    },
    "min_items": {
        "en": "Add at least {n} to {label}",
        "ka": "„{label}“: დაამატეთ მინიმუმ {n}",
    },
    "max_items": {
        "en": "You can add no more than {n} to {label}",
        "ka": "„{label}“: შეგიძლიათ დაამატოთ არაუმეტეს {n}",
    },
    "max_files": {
        "en": "You can upload no more than {n} files for {label}",
        "ka": "„{label}“: შეგიძლიათ ატვირთოთ არაუმეტეს {n} ფაილისა",
    },
    "not_found_person": {
        "en": "No person with this personal number was found in the Civil Registry",
        "ka": "ამ პირადი ნომრით პირი სამოქალაქო რეესტრში ვერ მოიძებნა",
    },
    "not_found_company": {
        "en": "No company with this identification code was found in the Registry of Entrepreneurs",
        "ka": "ამ საიდენტიფიკაციო კოდით კომპანია მეწარმეთა რეესტრში ვერ მოიძებნა",
    },
    "lookup_unavailable": {
        "en": "We cannot check {label} at the moment. Try again later",
        "ka": "„{label}“ ამჟამად ვერ მოწმდება. სცადეთ მოგვიანებით",
    },
}

WORDS: dict[str, dict[str, str]] = {
    "day": {"en": "day", "ka": "დღეს"},
    "month": {"en": "month", "ka": "თვეს"},
    "year": {"en": "year", "ka": "წელს"},
    "city": {"en": "town or city", "ka": "ქალაქი ან მუნიციპალიტეტი"},
    "street": {"en": "street", "ka": "ქუჩა"},
    "building": {"en": "building number", "ka": "შენობის ნომერი"},
    "yes": {"en": "Yes", "ka": "დიახ"},
    "no": {"en": "No", "ka": "არა"},
    "files": {"en": "{n} file(s)", "ka": "{n} ფაილი"},
    "item": {"en": "Item {n}", "ka": "ჩანაწერი {n}"},
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ka": [
        "იანვარი",
        "თებერვალი",
        "მარტი",
        "აპრილი",
        "მაისი",
        "ივნისი",
        "ივლისი",
        "აგვისტო",
        "სექტემბერი",
        "ოქტომბერი",
        "ნოემბერი",
        "დეკემბერი",
    ],
}


def message(key: str, lang: str, label: str, **values: object) -> str:
    """The message `key` in `lang` about the field labelled `label`."""
    template = MESSAGES[key]["en" if lang == "en" else "ka"]
    keep = lang != "en" or (len(label) > 1 and label[1].isupper())  # "ID card", "VAT"
    lowered = label if keep else label[:1].lower() + label[1:]
    return template.format(label=lowered, Label=label, **values)


def word(key: str, lang: str) -> str:
    return WORDS[key]["en" if lang == "en" else "ka"]


def format_date(value: datetime.date, lang: str) -> str:
    """A date as people write it: 27 March 2026 / 27 მარტი 2026."""
    return f"{value.day} {MONTHS['en' if lang == 'en' else 'ka'][value.month - 1]} {value.year}"
