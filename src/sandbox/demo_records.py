"""What the agencies hold about the demo set, written by hand (see docs/demo-data.md).

`OVERRIDES[(operation, subject id)]` is the `data` of that answer. It is checked against
the operation's model whenever it is served, and by the tests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from .agencies import patrol_police, tbilisi
from .agencies.values import text
from .demo import (
    ALDAGI,
    BERIDZE_CONSTRUCTION,
    COLCHIS_BANK,
    DIGITAL_SERVICES,
    GIORGI,
    LEVAN,
    MARIAM,
    NINO,
    TAMAZ,
)

Data = dict[str, object]


def t(ka: str, en: str) -> dict[str, str]:
    return {"ka": ka, "en": en}


ISSUER: Final = t(
    "სახელმწიფო სერვისების განვითარების სააგენტო", "Public Service Development Agency"
)
ID_CARD: Final = t("პირადობის მოწმობა", "Identity card")
PASSPORT: Final = t("საქართველოს მოქალაქის პასპორტი", "Passport of a citizen of Georgia")


def document(kind: str, number: str, issued: str, until: str, status: str = "valid") -> Data:
    return {
        "kind": kind,
        "kind_name": ID_CARD if kind == "id-card" else PASSPORT,
        "number": number,
        "issued_on": issued,
        "valid_until": until,
        "issuer": ISSUER,
        "status": status,
    }


CHECKPOINTS: Final = {
    "TBS": (t("თბილისის საერთაშორისო აეროპორტი", "Tbilisi International Airport"), "air"),
    "KUT": (t("ქუთაისის საერთაშორისო აეროპორტი", "Kutaisi International Airport"), "air"),
    "SRP": (t("სარფი", "Sarpi"), "road"),
    "SDK": (t("სადახლო", "Sadakhlo"), "road"),
    "RBR": (t("წითელი ხიდი", "Red Bridge"), "road"),
}
COUNTRIES: Final = {
    "DE": t("გერმანია", "Germany"),
    "IT": t("იტალია", "Italy"),
    "PL": t("პოლონეთი", "Poland"),
    "TR": t("თურქეთი", "Turkey"),
    "AM": t("სომხეთი", "Armenia"),
    "AZ": t("აზერბაიჯანი", "Azerbaijan"),
}


def trip(
    out: str,
    back: str,
    checkpoint: str,
    country: str,
    doc: tuple[str, str],
    plate: str | None = None,
) -> list[Data]:
    """An exit and the entry back, through the same checkpoint (Georgian time)."""
    name, transport = CHECKPOINTS[checkpoint]
    return [
        {
            "crossed_at": f"{when}+04:00",
            "direction": direction,
            "checkpoint_code": checkpoint,
            "checkpoint": name,
            "transport": transport,
            "country": COUNTRIES[country],
            "document": {"kind": doc[0], "number": doc[1]},
            "plate": plate,
        }
        for direction, when in (("entry", back), ("exit", out))
    ]


OFFENCES: Final = {
    "125.1": t("სიჩქარის გადაჭარბება 20–40 კმ/სთ-ით", "Speeding by 20–40 km/h"),
    "125.2": t("სიჩქარის გადაჭარბება 40 კმ/სთ-ზე მეტით", "Speeding by over 40 km/h"),
    "125.4": t("შუქნიშნის ამკრძალავ სიგნალზე გავლა", "Running a red light"),
    "125.6": t("გასაყოფი ხაზის გადაკვეთა", "Crossing a solid line"),
    "125.8": t("უსაფრთხოების ღვედის გამოუყენებლობა", "Not wearing a seat belt"),
    "125.9": t("მობილური ტელეფონით სარგებლობა მართვისას", "Using a phone while driving"),
    "118.2": t("ტექდათვალიერების გარეშე მართვა", "Driving without a roadworthiness test"),
}


def fine(
    number: str, at: str, article: str, amount: float, status: str, due: str, plate: str,
    place: tuple[str, str],
) -> Data:  # fmt: skip
    return {
        "protocol_number": number,
        "issued_at": f"{at}+04:00",
        "article": article,
        "offence": OFFENCES[article],
        "amount_gel": amount,
        "status": status,
        "due_on": due,
        "plate": plate,
        "place": t(*place),
    }


def fines(*items: Data) -> Data:
    unpaid = sum(float(str(i["amount_gel"])) for i in items if i["status"] == "unpaid")
    return {"total_unpaid_gel": round(unpaid, 2), "items": list(items)}


TAXES: Final = {
    "property": t("ქონების გადასახადი", "Property tax"),
    "income": t("საშემოსავლო გადასახადი", "Personal income tax"),
    "vat": t("დამატებული ღირებულების გადასახადი", "Value added tax"),
    "profit": t("მოგების გადასახადი", "Profit tax"),
}


def debt(tax: str, principal: float, penalty: float, since: str, status: str) -> Data:
    return {
        "tax": tax,
        "tax_name": TAXES[tax],
        "principal_gel": principal,
        "penalty_gel": penalty,
        "total_gel": round(principal + penalty, 2),
        "due_since": since,
        "status": status,
    }


def debts(*items: Data) -> Data:
    return {
        "total_gel": round(sum(float(str(i["total_gel"])) for i in items), 2),
        "items": list(items),
    }


RESTRICTIONS: Final = [
    t("ქონების განკარგვის აკრძალვა", "Ban on disposing of property"),
    t("საბანკო ანგარიშზე ყადაღა", "Seizure of bank accounts"),
]
BASES: Final = {
    "tax": t("საგადასახადო დავალიანება", "Tax debt"),
    "fine": t("გადაუხდელი ჯარიმა", "Unpaid fine"),
    "loan": t("სასამართლოს გადაწყვეტილება (სესხი)", "Court decision (loan)"),
}
CREDITORS: Final = {
    "revenue": {
        "type": "agency",
        "id": "revenue",
        "name": t("შემოსავლების სამსახური", "Revenue Service"),
    },
    "patrol-police": {
        "type": "agency",
        "id": "patrol-police",
        "name": t("საპატრულო პოლიცია", "Patrol Police"),
    },
    COLCHIS_BANK: {
        "type": "company",
        "id": COLCHIS_BANK,
        "name": t("სს „კოლხეთის ბანკი“", "Colchis Bank JSC"),
    },
}


def case(number: str, on: str, creditor: str, basis: str, amount: float, status: str) -> Data:
    return {
        "case_number": number,
        "registered_on": on,
        "creditor": CREDITORS[creditor],
        "basis": basis,
        "basis_name": BASES[basis],
        "amount_gel": amount,
        "status": status,
        "restrictions": RESTRICTIONS if status == "active" else [],
    }


def registry(*items: Data) -> Data:
    return {"registered": any(i["status"] == "active" for i in items), "items": list(items)}


UNIVERSAL: Final = t("საყოველთაო ჯანდაცვის პროგრამა", "Universal Healthcare Programme")
PACKAGES: Final = {
    "basic": t("ძირითადი პაკეტი", "Basic package"),
    "pensioner": t("პენსიონერების პაკეტი", "Pensioners' package"),
    "student": t("სტუდენტების პაკეტი", "Students' package"),
    "socially-vulnerable": t("სოციალურად დაუცველთა პაკეტი", "Socially vulnerable package"),
}


def universal(package: str, since: str) -> Data:
    return {
        "items": [
            {
                "programme": "universal",
                "programme_name": UNIVERSAL,
                "package": package,
                "package_name": PACKAGES[package],
                "status": "active",
                "insurer": None,
                "since": since,
                "until": None,
            }
        ]
    }


LEVELS: Final = {
    "general": t("ზოგადი განათლება", "General education"),
    "vocational": t("პროფესიული განათლება", "Vocational education"),
    "bachelor": t("ბაკალავრიატი", "Bachelor's degree"),
    "master": t("მაგისტრატურა", "Master's degree"),
}
TSU: Final = t(
    "ივანე ჯავახიშვილის სახელობის თბილისის სახელმწიფო უნივერსიტეტი",
    "Ivane Javakhishvili Tbilisi State University",
)
GTU: Final = t("საქართველოს ტექნიკური უნივერსიტეტი", "Georgian Technical University")
POLYTECHNIC: Final = t("საქართველოს პოლიტექნიკური ინსტიტუტი", "Georgian Polytechnic Institute")
ATSU: Final = t("აკაკი წერეთლის სახელმწიფო უნივერსიტეტი", "Akaki Tsereteli State University")
COMPLETE_GENERAL: Final = t("სრული ზოგადი განათლება", "Complete general education")


def school(name: tuple[str, str], start: str, end: str | None, number: str | None) -> Data:
    return {
        "level": "general",
        "level_name": LEVELS["general"],
        "institution": t(*name),
        "programme": None,
        "qualification": COMPLETE_GENERAL if end else None,
        "started_on": start,
        "finished_on": end,
        "status": "completed" if end else "studying",
        "document_number": number,
    }


def studies(
    level: str, institution: dict[str, str], programme: tuple[str, str],
    qualification: tuple[str, str] | None, start: str, end: str | None, status: str,
    number: str | None,
) -> Data:  # fmt: skip
    return {
        "level": level,
        "level_name": LEVELS[level],
        "institution": institution,
        "programme": t(*programme),
        "qualification": t(*qualification) if qualification else None,
        "started_on": start,
        "finished_on": end,
        "status": status,
        "document_number": number,
    }


def municipal(
    district: tuple[str, str] | None, *, permits: list[Data] | None = None,
    fines: list[Data] | None = None, programmes: list[Data] | None = None,
    company_permits: list[Data] | None = None,
) -> Data:  # fmt: skip
    return {
        "resident": district is not None,
        "district": t(*district) if district else None,
        "parking_permits": permits or [],
        "parking_fines": fines or [],
        "programmes": programmes or [],
        "permits": company_permits or [],
    }


def parking_permit(number: str, plate: str, zone: tuple[str, str], start: str, end: str) -> Data:
    return {
        "number": number,
        "plate": plate,
        "zone": t(*zone),
        "valid_from": start,
        "valid_until": end,
        "status": "valid",
    }


def parking_fine(number: str, plate: str, at: str, street: tuple[str, str], status: str) -> Data:
    return {
        "number": number,
        "plate": plate,
        "issued_at": f"{at}+04:00",
        "place": t(f"თბილისი, {street[0]}", f"Tbilisi, {street[1]}"),
        "amount_gel": 30.0,
        "status": status,
    }


def programme(code: str, ka: str, en: str, since: str) -> Data:
    return {"programme": code, "programme_name": t(ka, en), "status": "active", "since": since}


VAKE: Final = ("ვაკე", "Vake")
SABURTALO: Final = ("საბურთალო", "Saburtalo")
DIDUBE: Final = ("დიდუბე", "Didube")
NO_DEBTS: Final[Data] = {"total_gel": 0.0, "items": []}
NOT_A_DEBTOR: Final[Data] = {"registered": False, "items": []}
NONE: Final[Data] = {"items": []}


def licence(number: str, categories: list[str], issued: str, points: int = 0) -> Data:
    record = patrol_police.licence(number, categories, date.fromisoformat(issued), points=points)
    return {"items": [record.model_dump(mode="json")]}


def towed(*items: tuple[str, str, tuple[str, str], str, int, str | None]) -> Data:
    """Tows: plate, when, from (ka, en), reason, impound lot (0, 1), released when."""
    return {
        "items": [
            tbilisi.tow(
                plate,
                datetime.fromisoformat(at + "+04:00"),
                text(*street),
                reason,
                lot,
                datetime.fromisoformat(released + "+04:00") if released else None,
            ).model_dump(mode="json")
            for plate, at, street, reason, lot, released in items
        ]
    }


OVERRIDES: Final[dict[tuple[str, str], Data]] = {
    # Identity documents (civil registry)
    ("identity-documents", NINO): {"items": [
        document("id-card", "19ID04821", "2019-05-20", "2029-05-20"),
        document("passport", "22PA11873", "2022-03-02", "2032-03-02"),
    ]},
    ("identity-documents", GIORGI): {"items": [
        document("id-card", "17ID35510", "2017-10-09", "2027-10-09"),
        document("passport", "24PA02291", "2024-06-14", "2034-06-14"),
    ]},
    ("identity-documents", MARIAM): {"items": [
        document("id-card", "22ID19403", "2022-10-03", "2032-10-03"),
        document("passport", "23PA37712", "2023-07-01", "2033-07-01"),
    ]},
    ("identity-documents", TAMAZ): {"items": [
        document("id-card", "16ID48820", "2016-02-15", "2026-02-15", "expired"),
        document("id-card", "26ID00418", "2026-02-10", "2036-02-10"),
    ]},
    ("identity-documents", LEVAN): {"items": [
        document("id-card", "12ID27733", "2012-03-05", "2022-03-05", "expired"),
        document("id-card", "22ID40519", "2022-02-28", "2032-02-28"),
    ]},
    # Border crossings (border police), newest first
    ("border-crossings", NINO): {"items": [
        *trip("2025-07-12T06:40:00", "2025-07-26T23:15:00", "TBS", "DE", ("passport", "22PA11873")),
        *trip("2024-04-03T04:55:00", "2024-04-09T21:30:00", "TBS", "IT", ("passport", "22PA11873")),
    ]},
    ("border-crossings", GIORGI): {"items": [
        *trip("2026-03-20T05:10:00", "2026-03-25T22:45:00", "KUT", "PL", ("passport", "24PA02291")),
        *trip("2025-08-01T09:20:00", "2025-08-15T18:05:00", "SRP", "TR", ("id-card", "17ID35510"),
              "GB-777-GB"),
    ]},
    ("border-crossings", MARIAM): {"items": [
        *trip("2026-02-01T07:00:00", "2026-06-28T20:10:00", "TBS", "PL", ("passport", "23PA37712")),
        *trip("2025-07-12T06:40:00", "2025-07-26T23:15:00", "TBS", "DE", ("passport", "23PA37712")),
    ]},
    ("border-crossings", TAMAZ): {"items": [
        *trip("2023-09-10T08:30:00", "2023-09-17T19:40:00", "SRP", "TR", ("id-card", "16ID48820")),
    ]},
    ("border-crossings", LEVAN): {"items": [
        *trip("2025-05-06T10:15:00", "2025-05-09T16:50:00", "RBR", "AZ", ("id-card", "22ID40519"),
              "LK-345-KT"),
        *trip("2024-11-12T07:45:00", "2024-11-14T13:20:00", "SDK", "AM", ("id-card", "22ID40519"),
              "LK-345-KT"),
        *trip("2021-06-01T06:00:00", "2021-06-10T21:00:00", "SRP", "TR", ("id-card", "12ID27733"),
              "OP-004-LK"),
    ]},
    # Fines (patrol police)
    ("fines", NINO): fines(
        fine("ZZ260181734", "2026-10-20T08:12:00", "125.1", 50.0, "unpaid", "2026-11-19",
             "TB-505-NB", ("თბილისი, ილია ჭავჭავაძის გამზ.", "Tbilisi, Ilia Chavchavadze Ave.")),
        fine("ZZ250047720", "2025-03-14T18:40:00", "125.4", 100.0, "paid", "2025-04-13",
             "TB-505-NB", ("თბილისი, ვაჟა-ფშაველას გამზ.", "Tbilisi, Vazha-Pshavela Ave.")),
    ),
    ("fines", GIORGI): fines(
        fine("ZZ260210455", "2026-09-15T13:05:00", "125.9", 100.0, "appealed", "2026-10-15",
             "GB-777-GB", ("თბილისი, რუსთაველის გამზ.", "Tbilisi, Rustaveli Ave.")),
        fine("ZZ260093318", "2026-06-02T22:31:00", "125.2", 400.0, "unpaid", "2026-07-02",
             "GB-777-GB", ("მცხეთა, ქართლის ქ.", "Mtskheta, Kartli St.")),
        fine("ZZ250301176", "2025-11-30T10:48:00", "125.8", 40.0, "paid", "2025-12-30",
             "GB-777-GB", ("თბილისი, წერეთლის გამზ.", "Tbilisi, Tsereteli Ave.")),
    ),
    ("fines", TAMAZ): fines(
        fine("ZZ240122908", "2024-05-18T11:20:00", "125.1", 50.0, "paid", "2024-06-17",
             "TA-001-MZ", ("ბორჯომი, რუსთაველის ქ.", "Borjomi, Rustaveli St.")),
    ),
    ("fines", LEVAN): fines(
        fine("ZZ260240061", "2026-09-28T17:55:00", "125.1", 50.0, "unpaid", "2026-10-28",
             "LK-345-KT", ("ქუთაისი, ნიკეას ქ.", "Kutaisi, Nikea St.")),
        fine("ZZ260006613", "2026-01-10T09:02:00", "125.6", 100.0, "unpaid", "2026-02-09",
             "LK-345-KT", ("ქუთაისი, ჭავჭავაძის გამზ.", "Kutaisi, Chavchavadze Ave.")),
        fine("ZZ240190457", "2024-08-08T15:30:00", "118.2", 100.0, "paid", "2024-09-07",
             "OP-004-LK", ("სამტრედია, თავისუფლების ქ.", "Samtredia, Tavisupleba St.")),
    ),
    ("fines", BERIDZE_CONSTRUCTION): fines(
        fine("ZZ260228840", "2026-10-05T07:50:00", "125.1", 50.0, "unpaid", "2026-11-04",
             "BC-404-BC", ("თბილისი, დიდუბის ქ.", "Tbilisi, Didube St.")),
    ),
    ("fines", MARIAM): fines(
        fine("ZZ260051190", "2026-03-02T19:25:00", "125.8", 40.0, "paid", "2026-04-01",
             "MB-021-MB", ("თბილისი, ჭავჭავაძის გამზ.", "Tbilisi, Chavchavadze Ave.")),
    ),
    ("fines", DIGITAL_SERVICES): fines(),
    # Driving licences (patrol police): every demo driver has one for the cars above
    ("driving-licences", NINO): licence("N0418265", ["B"], "2024-05-14"),
    ("driving-licences", GIORGI): licence("G1730944", ["B", "C1"], "2021-08-03", points=4),
    ("driving-licences", MARIAM): licence("M2502187", ["B"], "2025-02-18"),
    ("driving-licences", TAMAZ): licence("T0806611", ["B"], "2018-06-01"),
    ("driving-licences", LEVAN): licence("L1903356", ["B", "C1", "C"], "2019-03-11", points=2),
    # Towed vehicles (Tbilisi City Hall), by the plates of the vehicles above
    ("towed-vehicles", GIORGI): towed(
        ("GB-777-GB", "2026-10-30T11:20:00",
         ("თბილისი, რუსთაველის გამზ.", "Tbilisi, Rustaveli Ave."), "bus-lane", 0, None),
    ),
    ("towed-vehicles", LEVAN): towed(
        ("LK-345-KT", "2026-08-14T16:05:00", ("თბილისი, აღმაშენებლის გამზ.",
         "Tbilisi, Agmashenebeli Ave."), "no-parking", 1, "2026-08-15T10:30:00"),
    ),
    ("towed-vehicles", BERIDZE_CONSTRUCTION): towed(
        ("BC-405-BC", "2025-12-09T09:40:00",
         ("თბილისი, წერეთლის გამზ.", "Tbilisi, Tsereteli Ave."), "pavement", 0,
         "2025-12-09T18:15:00"),
    ),
    ("towed-vehicles", NINO): {"items": []},
    ("towed-vehicles", MARIAM): {"items": []},
    ("towed-vehicles", TAMAZ): {"items": []},
    ("towed-vehicles", DIGITAL_SERVICES): {"items": []},
    # Tax debts (revenue service)
    ("tax-debts", NINO): debts(debt("property", 86.40, 3.63, "2026-04-01", "disputed")),
    ("tax-debts", GIORGI): debts(debt("property", 310.00, 71.61, "2025-11-15", "unpaid")),
    ("tax-debts", LEVAN): debts(
        debt("income", 6200.00, 3720.00, "2024-04-01", "unpaid"),
        debt("property", 420.00, 88.20, "2025-11-15", "restructured"),
    ),
    ("tax-debts", BERIDZE_CONSTRUCTION): debts(
        debt("vat", 14300.00, 2702.70, "2025-08-20", "restructured"),
        debt("profit", 3150.00, 396.90, "2026-05-01", "disputed"),
    ),
    ("tax-debts", MARIAM): NO_DEBTS,
    ("tax-debts", TAMAZ): NO_DEBTS,
    ("tax-debts", DIGITAL_SERVICES): NO_DEBTS,
    # Debtors' registry (enforcement): follows the unpaid debts and fines above
    ("debtors-registry", GIORGI): registry(
        case("A260418825", "2026-08-31", "patrol-police", "fine", 800.00, "active"),
    ),
    ("debtors-registry", LEVAN): registry(
        case("A260160233", "2026-04-10", "patrol-police", "fine", 200.00, "active"),
        case("A240711902", "2024-07-01", "revenue", "tax", 9920.00, "active"),
        case("A230214377", "2023-02-14", COLCHIS_BANK, "loan", 12400.00, "active"),
    ),
    ("debtors-registry", NINO): NOT_A_DEBTOR,
    ("debtors-registry", MARIAM): NOT_A_DEBTOR,
    ("debtors-registry", TAMAZ): NOT_A_DEBTOR,
    ("debtors-registry", BERIDZE_CONSTRUCTION): NOT_A_DEBTOR,
    ("debtors-registry", DIGITAL_SERVICES): NOT_A_DEBTOR,
    # Social Service Agency
    ("pensions", TAMAZ): {"items": [{
        "kind": "old-age", "kind_name": t("ასაკით პენსია", "Old-age pension"), "status": "active",
        "monthly_gel": 395.0, "since": "2015-01-30", "paid_through": "2026-10-31",
    }]},
    ("pensions", NINO): NONE,
    ("pensions", GIORGI): NONE,
    ("pensions", MARIAM): NONE,
    ("pensions", LEVAN): NONE,
    ("benefits", LEVAN): {"items": [{
        "programme": "subsistence-allowance",
        "programme_name": t("საარსებო შემწეობა", "Subsistence allowance"),
        "status": "active", "monthly_gel": 60.0, "since": "2025-02-01", "until": None,
        "rating_score": 57200,
    }]},
    ("benefits", NINO): NONE,
    ("benefits", GIORGI): NONE,
    ("benefits", MARIAM): NONE,
    ("benefits", TAMAZ): NONE,
    ("health-insurance", NINO): {"items": [{
        "programme": "private",
        "programme_name": t("კერძო სამედიცინო დაზღვევა", "Private health insurance"),
        "package": None, "package_name": None, "status": "active",
        "insurer": {"type": "company", "id": ALDAGI,
                    "name": t("სს „ალდაგის დაზღვევა“", "Aldagi Insurance JSC")},
        "since": "2025-01-15", "until": "2027-01-15",
    }]},
    ("health-insurance", GIORGI): universal("basic", "2013-02-28"),
    ("health-insurance", MARIAM): universal("student", "2024-09-15"),
    ("health-insurance", TAMAZ): universal("pensioner", "2015-01-30"),
    ("health-insurance", LEVAN): universal("socially-vulnerable", "2025-02-01"),
    # Education records (Ministry of Education)
    ("education-records", NINO): {"items": [
        school(("ქ. თბილისის №51 საჯარო სკოლა", "Tbilisi Public School No. 51"),
               "1992-09-15", "2003-06-30", "AT2003004512"),
        studies("bachelor", TSU, ("სამართალი", "Law"), ("ბაკალავრი (სამართალი)", "Bachelor of Law"),
                "2003-09-15", "2007-07-10", "completed", "D2007041877"),
        studies("master", TSU, ("სამართალი", "Law"), ("მაგისტრი (სამართალი)", "Master of Law"),
                "2007-09-15", "2009-07-10", "completed", "D2009012204"),
    ]},
    ("education-records", GIORGI): {"items": [
        school(("ქ. თბილისის №23 საჯარო სკოლა", "Tbilisi Public School No. 23"),
               "1989-09-15", "2000-06-30", "AT2000017733"),
        studies("bachelor", GTU,
                ("სამოქალაქო მშენებლობა", "Civil Engineering"),
                ("ბაკალავრი (სამოქალაქო მშენებლობა)", "Bachelor of Civil Engineering"),
                "2000-09-15", "2004-07-10", "completed", "D2004098315"),
    ]},
    ("education-records", MARIAM): {"items": [
        school(("ქ. თბილისის №51 საჯარო სკოლა", "Tbilisi Public School No. 51"),
               "2012-09-15", "2024-06-30", "AT2024051246"),
        studies("bachelor", t("ილიას სახელმწიფო უნივერსიტეტი", "Ilia State University"),
                ("კომპიუტერული მეცნიერება", "Computer Science"), None,
                "2024-09-15", None, "studying", None),
    ]},
    ("education-records", TAMAZ): {"items": [
        school(("ქ. თბილისის №1 საჯარო სკოლა", "Tbilisi Public School No. 1"),
               "1956-09-15", "1967-06-30", "AT1967000871"),
        studies("bachelor", POLYTECHNIC,
                ("მანქანათმშენებლობა", "Mechanical Engineering"),
                ("ინჟინერ-მექანიკოსი", "Mechanical engineer"),
                "1967-09-15", "1972-07-10", "completed", "D1972030412"),
    ]},
    ("education-records", LEVAN): {"items": [
        school(("ქუთაისის №14 საჯარო სკოლა", "Kutaisi Public School No. 14"),
               "1979-09-15", "1990-06-30", "AT1990062218"),
        studies("vocational", t("ქუთაისის პროფესიული კოლეჯი", "Kutaisi Vocational College"),
                ("ავტომობილის ტექნიკოსი", "Car mechanic"),
                ("ავტომობილის ტექნიკოსი (პროფესიული კვალიფიკაცია)", "Car mechanic"),
                "1990-09-15", "1992-06-30", "completed", "D1992007731"),
        studies("bachelor", ATSU,
                ("ეკონომიკა", "Economics"), None, "1993-09-15", "1995-07-01", "discontinued", None),
    ]},
    # Tbilisi City Hall
    ("municipal-data", NINO): municipal(
        VAKE,
        permits=[parking_permit("TP-26-004512", "TB-505-NB", ("ვაკის ზონა", "Vake zone"),
                                "2026-01-15", "2027-01-15")],
        fines=[parking_fine("TB260077412", "TB-505-NB", "2026-05-06T12:15:00",
                            ("აბაშიძის ქ.", "Abashidze St."), "paid")],
    ),
    ("municipal-data", GIORGI): municipal(
        VAKE,
        permits=[parking_permit("TP-25-031877", "GB-777-GB", ("ვაკის ზონა", "Vake zone"),
                                "2025-12-01", "2026-12-01")],
        fines=[parking_fine("TB260101958", "GB-777-GB", "2026-10-11T10:40:00",
                            ("მარჯანიშვილის ქ.", "Marjanishvili St."), "unpaid")],
    ),
    ("municipal-data", MARIAM): municipal(
        VAKE,
        programmes=[programme("student-transport", "სტუდენტების შეღავათიანი მგზავრობა",
                              "Reduced fares for students", "2024-09-15")],
    ),
    ("municipal-data", TAMAZ): municipal(
        SABURTALO,
        programmes=[programme("pensioner-transport", "პენსიონერების უფასო მგზავრობა",
                              "Free public transport for pensioners", "2015-01-30")],
    ),
    ("municipal-data", LEVAN): municipal(
        None,
        fines=[
            parking_fine("TB260090031", "LK-345-KT", "2026-08-19T15:05:00",
                         ("თამარ მეფის გამზ.", "Tamar Mepe Ave."), "unpaid"),
            parking_fine("TB250201117", "LK-345-KT", "2025-12-03T11:25:00",
                         ("წერეთლის გამზ.", "Tsereteli Ave."), "unpaid"),
        ],
    ),
    ("municipal-data", BERIDZE_CONSTRUCTION): municipal(
        DIDUBE,
        fines=[parking_fine("TB260055270", "BC-405-BC", "2026-04-22T09:50:00",
                            ("დიდუბის ქ.", "Didube St."), "paid")],
        company_permits=[{
            "number": "01-25004419", "kind": "construction",
            "kind_name": t("მშენებლობის ნებართვა", "Construction permit"),
            "cadastral_code": "01.13.07.018.033", "issued_on": "2025-04-01",
            "valid_until": "2028-04-01", "status": "valid",
        }],
    ),
    ("municipal-data", DIGITAL_SERVICES): municipal(
        SABURTALO,
        company_permits=[{
            "number": "01-26001207", "kind": "outdoor-advertising",
            "kind_name": t("გარე რეკლამის ნებართვა", "Outdoor advertising permit"),
            "cadastral_code": "01.10.15.044.007", "issued_on": "2026-03-01",
            "valid_until": "2027-03-01", "status": "valid",
        }],
    ),
}  # fmt: skip
