"""The demo set: named persons and companies with rich data, the same for every seed.

Documented in docs/demo-data.md (the demo ID cards are issued for these persons). Their
core records (family, companies, cars, property, mortgages, a share pledge) join the
generated population; what each agency says about them is partly hand-written here
(`OVERRIDES`) and otherwise derived with seed-independent randomness.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Final

from .population import (
    Address,
    Appointment,
    Company,
    Holding,
    Mortgage,
    Person,
    Population,
    Property,
    Ref,
    SharePledge,
    Vehicle,
)
from .providers import MUNICIPALITIES, make_vin

NINO: Final = "01001012345"
GIORGI: Final = "01008057492"
MARIAM: Final = "01017033481"
TAMAZ: Final = "01024011122"
LEVAN: Final = "60001045678"
LAMARA: Final = "01024011133"
SANDRO: Final = "01017055520"
RICH_PERSONS: Final = (NINO, GIORGI, MARIAM, TAMAZ, LEVAN)
RELATIVES: Final = (LAMARA, SANDRO)

BERIDZE_CONSTRUCTION: Final = "404123456"
DIGITAL_SERVICES: Final = "404987654"
LEVAN_IE: Final = "412987654"
COMPANIES: Final = (BERIDZE_CONSTRUCTION, DIGITAL_SERVICES)

CONSUMER_BANK: Final = "204900001"
INVESTMENT_BANK: Final = "204900002"
COLCHIS_BANK: Final = "204900004"
ALDAGI: Final = "204900011"


def _municipality(name_en: str) -> int:
    return next(i for i, m in enumerate(MUNICIPALITIES) if m.en == name_en)


TBILISI = _municipality("Tbilisi")
VAKE, SABURTALO, DIDUBE = 1, 2, 7  # providers.TBILISI_DISTRICTS
HOME_VAKE: Final = Address(
    TBILISI, VAKE, "ილია ჭავჭავაძის გამზ.", "Ilia Chavchavadze Ave.", "37", 12
)
HOME_SABURTALO: Final = Address(
    TBILISI, SABURTALO, "ალექსანდრე ყაზბეგის გამზ.", "Aleksandre Kazbegi Ave.", "24", 51
)
HOME_KUTAISI: Final = Address(_municipality("Kutaisi"), -1, "ნიკეას ქ.", "Nikea St.", "12", 0)
OFFICE_DIDUBE: Final = Address(TBILISI, DIDUBE, "ცოტნე დადიანის ქ.", "Tsotne Dadiani St.", "7", 0)
OFFICE_SABURTALO: Final = Address(
    TBILISI, SABURTALO, "ვაჟა-ფშაველას გამზ.", "Vazha-Pshavela Ave.", "71", 0
)


def _person(
    pn: str, first: tuple[str, str], last: tuple[str, str], sex: str, born: date, **links: object
) -> Person:
    person = Person(
        personal_number=pn,
        first_name=first[0],
        last_name=last[0],
        first_name_en=first[1],
        last_name_en=last[1],
        sex=sex,
        birth_date=born,
        birth_place=_municipality("Kutaisi") if pn == LEVAN else TBILISI,
        address=HOME_VAKE,
        registered_since=date(2019, 3, 20),
        household=-1,
        demo=True,
    )
    for name, value in links.items():
        setattr(person, name, value)
    return person


BERIDZE = ("ბერიძე", "Beridze")


def _persons() -> list[Person]:
    married = date(2005, 6, 18)
    old_home = {"address": HOME_SABURTALO, "registered_since": date(1996, 5, 14), "household": -2}
    return [
        _person(NINO, ("ნინო", "Nino"), BERIDZE, "female", date(1986, 3, 14),
                spouse=GIORGI, marriage_date=married, children=(MARIAM, SANDRO)),
        _person(GIORGI, ("გიორგი", "Giorgi"), BERIDZE, "male", date(1983, 7, 2),
                spouse=NINO, marriage_date=married, father=TAMAZ, mother=LAMARA,
                children=(MARIAM, SANDRO)),
        _person(MARIAM, ("მარიამ", "Mariam"), BERIDZE, "female", date(2006, 9, 21),
                father=GIORGI, mother=NINO),
        _person(SANDRO, ("სანდრო", "Sandro"), BERIDZE, "male", date(2014, 2, 8),
                father=GIORGI, mother=NINO),
        _person(TAMAZ, ("თამაზ", "Tamaz"), BERIDZE, "male", date(1950, 1, 30),
                spouse=LAMARA, marriage_date=date(1978, 10, 1), children=(GIORGI,), **old_home),
        _person(LAMARA, ("ლამარა", "Lamara"), BERIDZE, "female", date(1953, 5, 11),
                spouse=TAMAZ, marriage_date=date(1978, 10, 1), children=(GIORGI,), **old_home),
        _person(LEVAN, ("ლევან", "Levan"), ("კაპანაძე", "Kapanadze"), "male", date(1972, 11, 5),
                address=HOME_KUTAISI, registered_since=date(2017, 5, 10), household=-3),
    ]  # fmt: skip


def _companies() -> list[Company]:
    def person(pn: str) -> Ref:
        return Ref("person", pn)

    founded_a, founded_b = date(2012, 4, 17), date(2018, 9, 3)
    return [
        Company(
            code=BERIDZE_CONSTRUCTION,
            legal_form="LLC",
            name="შპს „ბერიძე კონსტრაქშენი“",
            name_en="Beridze Construction LLC",
            registered_on=founded_a,
            address=OFFICE_DIDUBE,
            status="active",
            activity=2,
            capital_gel=10_000,
            partners=(
                Holding(person(GIORGI), 60.0, founded_a),
                Holding(person(LEVAN), 40.0, founded_a),
            ),
            directors=(Appointment(GIORGI, founded_a),),
            representatives=(Appointment(NINO, date(2020, 2, 3)),),
            demo=True,
        ),
        Company(
            code=DIGITAL_SERVICES,
            legal_form="JSC",
            name="სს „ქართული ციფრული სერვისები“",
            name_en="Georgian Digital Services JSC",
            registered_on=founded_b,
            address=OFFICE_SABURTALO,
            status="active",
            activity=5,
            capital_gel=500_000,
            partners=(
                Holding(person(NINO), 40.0, founded_b),
                Holding(person(TAMAZ), 35.0, founded_b),
                Holding(person(LEVAN), 25.0, founded_b),
            ),
            directors=(Appointment(NINO, founded_b),),
            representatives=(Appointment(LEVAN, date(2021, 5, 10)),),
            demo=True,
        ),
        Company(
            code=LEVAN_IE,
            legal_form="IE",
            name="ი/მ ლევან კაპანაძე",
            name_en="IE Levan Kapanadze",
            registered_on=date(2010, 6, 15),
            address=HOME_KUTAISI,
            status="active",
            activity=4,
            capital_gel=0,
            partners=(Holding(person(LEVAN), 100.0, date(2010, 6, 15)),),
            directors=(Appointment(LEVAN, date(2010, 6, 15)),),
            demo=True,
        ),
    ]


def _vehicles() -> list[Vehicle]:
    rng = random.Random("demo-vehicles")  # noqa: S311 — fixed synthetic VINs
    nino, giorgi, mariam, tamaz, levan = (
        Ref("person", pn) for pn in (NINO, GIORGI, MARIAM, TAMAZ, LEVAN)
    )
    construction = Ref("company", BERIDZE_CONSTRUCTION)
    rows = (
        ("TB-505-NB", "Toyota", "JTD", "Prius", 2016, 0, nino, date(2018, 4, 10)),
        ("GB-777-GB", "Toyota", "JTD", "Land Cruiser", 2019, 1, giorgi, date(2021, 5, 22)),
        ("TA-001-MZ", "LADA", "XTA", "Niva", 1998, 6, tamaz, date(2003, 3, 3)),
        ("LK-345-KT", "Mercedes-Benz", "WDD", "Sprinter", 2008, 0, levan, date(2014, 7, 7)),
        ("OP-004-LK", "Opel", "W0L", "Astra", 2004, 2, levan, date(2011, 9, 19)),
        ("MB-021-MB", "Honda", "JHM", "Fit", 2012, 5, mariam, date(2025, 9, 1)),
        ("BC-404-BC", "Ford", "1FA", "Transit", 2015, 0, construction, date(2016, 2, 1)),
        ("BC-405-BC", "Mercedes-Benz", "WDD", "Sprinter", 2012, 3, construction, date(2017, 6, 12)),
    )
    return [
        Vehicle(plate, make_vin(rng, wmi, year, 900_000 + n), make, model, year, colour, owner, on)
        for n, (plate, make, wmi, model, year, colour, owner, on) in enumerate(rows)
    ]


def _estate(
    code: str, kind: str, address: Address, area: float, land: float,
    owners: tuple[tuple[Ref, float], ...], on: date, how: str, price: int, number: str,
    previous: Ref | None = None, mortgages: tuple[str, ...] = (),
) -> Property:  # fmt: skip
    return Property(
        cadastral_code=code,
        kind=kind,
        address=address,
        area_m2=area,
        land_area_m2=land,
        owners=tuple(Holding(ref, share, on) for ref, share in owners),
        acquired_on=on,
        acquired_by=how,
        previous_owner=previous,
        price_gel=price,
        registration_number=number,
        mortgages=mortgages,
    )


def _property() -> tuple[list[Property], list[Mortgage], list[SharePledge]]:
    nino, giorgi, tamaz = Ref("person", NINO), Ref("person", GIORGI), Ref("person", TAMAZ)
    mariam = Ref("person", MARIAM)
    lamara, levan = Ref("person", LAMARA), Ref("person", LEVAN)
    construction, digital = Ref("company", BERIDZE_CONSTRUCTION), Ref("company", DIGITAL_SERVICES)
    mtskheta = Address(_municipality("Mtskheta"), -1, "არმაზის ქ.", "Armazi St.", "15", 0)
    borjomi = Address(
        _municipality("Borjomi"), -1, "მერაბ კოსტავას ქ.", "Merab Kostava St.", "8", 0
    )
    commercial_kutaisi = Address(
        _municipality("Kutaisi"), -1, "რუსთაველის გამზ.", "Rustaveli Ave.", "30", 0
    )
    estates = [
        _estate("01.14.12.005.012.01.012", "apartment", HOME_VAKE, 96.5, 0.0,
                ((nino, 50.0), (giorgi, 50.0)), date(2019, 3, 12), "purchase", 240_000,
                "882019900101", mortgages=("882019900102",)),
        _estate("72.10.05.112.004", "land-non-agricultural", mtskheta, 0.0, 850.0,
                ((giorgi, 50.0), (mariam, 50.0)), date(2021, 9, 9), "gift", 25_000, "882021900103",
                previous=tamaz),
        _estate("01.10.13.009.021.01.051", "apartment", HOME_SABURTALO, 78.0, 0.0,
                ((tamaz, 50.0), (lamara, 50.0)), date(1996, 5, 14), "privatisation", 9_000,
                "881996900104"),
        _estate("64.02.03.040.017", "house", borjomi, 120.0, 600.0, ((tamaz, 100.0),),
                date(2001, 7, 20), "purchase", 35_000, "882001900105"),
        _estate("03.04.11.027.009", "house", HOME_KUTAISI, 145.0, 420.0, ((levan, 100.0),),
                date(2017, 5, 2), "purchase", 110_000, "882017900106",
                mortgages=("882017900107",)),
        _estate("03.04.05.101.002", "commercial", commercial_kutaisi, 64.0, 0.0,
                ((levan, 100.0),), date(2012, 10, 10), "purchase", 70_000, "882012900108"),
        _estate("01.13.07.018.033", "commercial", OFFICE_DIDUBE, 210.0, 0.0,
                ((construction, 100.0),), date(2013, 1, 25), "purchase", 380_000,
                "882013900109"),
        _estate("01.10.15.044.007", "commercial", OFFICE_SABURTALO, 340.0, 0.0,
                ((digital, 100.0),), date(2020, 11, 11), "purchase", 910_000, "882020900110",
                mortgages=("882020900111",)),
    ]  # fmt: skip
    mortgages = [
        Mortgage("882019900102", "01.14.12.005.012.01.012", CONSUMER_BANK, (nino, giorgi),
                 85_000, "USD", date(2019, 3, 12), date(2034, 3, 12), "active"),
        Mortgage("882017900107", "03.04.11.027.009", COLCHIS_BANK, (levan,), 60_000, "GEL",
                 date(2017, 5, 2), date(2032, 5, 2), "active"),
        Mortgage("882020900111", "01.10.15.044.007", CONSUMER_BANK, (digital,), 400_000, "GEL",
                 date(2020, 11, 11), date(2030, 11, 11), "active"),
    ]  # fmt: skip
    pledges = [
        SharePledge("882023900112", BERIDZE_CONSTRUCTION, giorgi, Ref("company", INVESTMENT_BANK),
                    60.0, 150_000, "USD", date(2023, 6, 6), "active"),
    ]  # fmt: skip
    return estates, mortgages, pledges


def reserved_identifiers() -> set[str]:
    """Identifiers the generator must not hand out again."""
    estates, _, _ = _property()
    return {
        *(p.personal_number for p in _persons()),
        *(c.code for c in _companies()),
        *(v.plate for v in _vehicles()),
        *(e.cadastral_code for e in estates),
    }


def merge(population: Population) -> None:
    """Add the demo set (and its hand-written agency answers) to a generated population."""
    from .demo_records import OVERRIDES

    estates, mortgages, pledges = _property()
    for person in _persons():
        population.persons[person.personal_number] = person
    for company in _companies():
        population.companies[company.code] = company
    for vehicle in _vehicles():
        population.vehicles[vehicle.plate] = vehicle
    for estate in estates:
        population.properties[estate.cadastral_code] = estate
    for mortgage in mortgages:
        population.mortgages[mortgage.registration_number] = mortgage
    for pledge in pledges:
        population.share_pledges[pledge.registration_number] = pledge
    population.overrides.update(OVERRIDES)
    population.demo_keys |= reserved_identifiers() | {"-1", "-2", "-3"}
