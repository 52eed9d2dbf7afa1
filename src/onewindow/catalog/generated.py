"""Deterministic made-up services for scale tests (the original portal has about 700)."""

from __future__ import annotations

from .loader import ServiceData, Text, TextList

# (Georgian, English) pairs combined into plausible but clearly synthetic titles.
_SUBJECTS = [
    ("მშენებლობის ნებართვა", "construction permit"),
    ("სავაჭრო ლიცენზია", "trading licence"),
    ("გარე რეკლამის განთავსება", "outdoor advertising"),
    ("ნარჩენების გატანა", "waste collection"),
    ("სკოლამდელი განათლება", "pre-school education"),
    ("სოციალური დახმარება", "social assistance"),
    ("ტრანსპორტის აბონემენტი", "transport pass"),
    ("მიწის ნაკვეთის რეგისტრაცია", "land plot registration"),
    ("ბინის მისამართი", "flat address"),
    ("წყალმომარაგება", "water supply"),
    ("სპორტული ღონისძიება", "sports event"),
    ("კულტურული მემკვიდრეობა", "cultural heritage"),
    ("ვეტერინარული ცნობა", "veterinary certificate"),
    ("სამედიცინო ცნობა", "medical certificate"),
    ("საარქივო ცნობა", "archive certificate"),
    ("სტუდენტური დაფინანსება", "student funding"),
    ("ტურისტული ობიექტი", "tourist facility"),
    ("პარკირების ნებართვა", "parking permit"),
    ("ხის მოჭრის ნებართვა", "tree felling permit"),
    ("სასაფლაოს ნაკვეთი", "cemetery plot"),
]
_ACTIONS = [
    ("განცხადება", "application for"),
    ("ცნობის მიღება", "certificate of"),
    ("ცვლილება", "change to"),
    ("გაუქმება", "cancellation of"),
    ("გაგრძელება", "renewal of"),
    ("სტატუსის შემოწმება", "status check of"),
]


def generated_services(
    *, count: int, agency_codes: list[str], category_codes: list[str]
) -> list[ServiceData]:
    services = []
    for number in range(1, count + 1):
        subject_ka, subject_en = _SUBJECTS[number % len(_SUBJECTS)]
        action_ka, action_en = _ACTIONS[(number // len(_SUBJECTS)) % len(_ACTIONS)]
        district = number // (len(_SUBJECTS) * len(_ACTIONS)) + 1
        title = Text(
            f"{subject_ka} — {action_ka} (ზონა {district})",
            f"{action_en.capitalize()} {subject_en} (zone {district})",
        )
        services.append(
            ServiceData(
                code=f"generated-{number:05d}",
                title=title,
                summary=Text(
                    f"სატესტო სერვისი: {subject_ka}, {action_ka}.",
                    f"Test service: {action_en} {subject_en}.",
                ),
                description=Text(
                    f"გენერირებული სერვისი მასშტაბის შესამოწმებლად: {subject_ka}.",
                    f"A generated service for scale tests: {subject_en}.",
                ),
                kind=("informational", "functional", "payment")[number % 3],
                audience=("person", "legal_entity", "both")[number % 3],
                provider=agency_codes[number % len(agency_codes)],
                categories=(category_codes[number % len(category_codes)],),
                fee_gel=None,
                fee_note=Text("", ""),
                deadline_working_days=(number % 20) or None,
                documents=TextList(("პირადობის მოწმობა",), ("Identity card",)),
                steps=TextList(("შეავსეთ განცხადება.",), ("Fill in the application.",)),
                keywords=TextList((subject_ka,), (subject_en,)),
                popularity=number % 50,
                is_generated=True,
            )
        )
    return services
