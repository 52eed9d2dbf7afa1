"""Reading and checking the catalogue's YAML files (format: docs/catalog-format.md).

Reading has no side effects: it returns the whole catalogue as plain data, or raises
`CatalogFileError` listing every problem with its file, entry and field.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from onewindow.applications.forms.schema import FormDefinitionError, parse_form

LANGUAGES = ("ka", "en")
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("informational", "functional", "payment")
AUDIENCES = ("person", "legal_entity", "both")
SIGNATURES = ("required", "optional", "none")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: entry {self.entry}: field '{self.field}': {self.message}"


class CatalogFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Text:
    ka: str
    en: str


@dataclass(frozen=True)
class TextList:
    ka: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class CategoryData:
    code: str
    title: Text
    description: Text
    position: int

    def content_hash(self) -> str:
        return _hash(asdict(self))


@dataclass(frozen=True)
class AgencyData:
    code: str
    name: Text
    short_name: Text
    description: Text
    website: str
    email: str
    phone: str
    address: Text
    position: int

    def content_hash(self) -> str:
        return _hash(asdict(self))


@dataclass(frozen=True)
class ServiceData:
    code: str
    title: Text
    summary: Text
    description: Text
    kind: str
    audience: str
    provider: str
    categories: tuple[str, ...]
    fee_gel: Decimal | None
    fee_note: Text
    deadline_working_days: int | None
    documents: TextList
    steps: TextList
    keywords: TextList
    popularity: int
    is_generated: bool = False
    # The online form (catalog/forms/<code>.yaml), as checked plain data; None if none.
    form: dict[str, Any] | None = None
    # Whether an application must be signed (required|optional|none).
    signature: str = "none"

    def content_hash(self) -> str:
        return _hash(asdict(self))


@dataclass
class CatalogData:
    categories: list[CategoryData] = field(default_factory=list)
    agencies: list[AgencyData] = field(default_factory=list)
    services: list[ServiceData] = field(default_factory=list)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)


def _hash(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


class _Entry:
    """Reads the fields of one YAML entry, collecting problems instead of stopping."""

    def __init__(self, file: str, label: str, raw: Any, problems: list[Problem]) -> None:
        self.file = file
        self.label = label
        self.raw = raw if isinstance(raw, dict) else {}
        self.problems = problems
        self.seen: set[str] = set()

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.label, name, message))

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        value = self.raw.get(name)
        if value is None and required:
            self.problem(name, "is required")
        return value

    def code(self) -> str:
        value = self._get("code", True)
        if value is None:
            return ""
        if not isinstance(value, str) or not CODE_PATTERN.match(value) or len(value) > 80:
            self.problem("code", "must be a lowercase slug of letters, digits and hyphens")
            return ""
        return value

    def string(self, name: str, required: bool = False, max_length: int = 300) -> str:
        value = self._get(name, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(name, "must be non-empty text")
            return ""
        if len(value) > max_length:
            self.problem(name, f"is longer than {max_length} characters")
        return value.strip()

    def text(self, name: str, required: bool = True, max_length: int = 10_000) -> Text:
        value = self._get(name, required)
        if value is None:
            return Text("", "")
        if not isinstance(value, dict):
            self.problem(name, "must have a Georgian (ka) and an English (en) text")
            return Text("", "")
        texts = {}
        for language in LANGUAGES:
            item = value.get(language)
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{name}.{language}", "is missing or empty")
                item = ""
            elif len(item) > max_length:
                self.problem(f"{name}.{language}", f"is longer than {max_length} characters")
            texts[language] = item.strip()
        for extra in set(value) - set(LANGUAGES):
            self.problem(f"{name}.{extra}", "is not a known language (use ka and en)")
        return Text(texts["ka"], texts["en"])

    def text_list(self, name: str, same_length: bool = False) -> TextList:
        value = self._get(name, False)
        if value is None:
            return TextList((), ())
        if not isinstance(value, dict):
            self.problem(name, "must have Georgian (ka) and English (en) lists")
            return TextList((), ())
        lists: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            items = value.get(language, [])
            if not isinstance(items, list) or not all(
                isinstance(item, str) and item.strip() for item in items
            ):
                self.problem(f"{name}.{language}", "must be a list of non-empty texts")
                items = []
            lists[language] = tuple(item.strip() for item in items)
        if same_length and len(lists["ka"]) != len(lists["en"]):
            self.problem(name, "must have as many Georgian as English items")
        return TextList(lists["ka"], lists["en"])

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self._get(name, True)
        if value is not None and value not in choices:
            self.problem(name, f"must be one of: {', '.join(choices)}")
        return str(value or "")

    def whole_number(self, name: str, default: int | None, maximum: int) -> int | None:
        value = self._get(name, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            self.problem(name, f"must be a whole number from 0 to {maximum}")
            return default
        return value

    def fee(self) -> tuple[Decimal | None, Text]:
        value = self._get("fee", False)
        if value is None:
            return None, Text("", "")
        if not isinstance(value, dict) or "amount" not in value:
            self.problem("fee", 'must have an amount in GEL, e.g. {amount: "10.00"}')
            return None, Text("", "")
        try:
            amount = Decimal(str(value["amount"]))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
            self.problem("fee.amount", 'must be an amount in GEL, e.g. "10.00"')
            return None, Text("", "")
        note = Text("", "")
        if "note" in value:
            note_entry = _Entry(self.file, self.label, {"fee.note": value["note"]}, self.problems)
            note = note_entry.text("fee.note", max_length=300)
        return amount.quantize(Decimal("0.01")), note

    def check_unknown(self) -> None:
        for name in sorted(set(self.raw) - self.seen):
            self.problem(name, "is not a known field")


def _load_yaml_list(path: Path, root: Path, problems: list[Problem]) -> list[Any]:
    relative = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(relative, "-", "-", f"cannot be read: {error}"))
        return []
    except yaml.YAMLError as error:
        problems.append(Problem(relative, "-", "-", f"is not valid YAML: {error}"))
        return []
    if content is None:
        return []
    if not isinstance(content, list):
        problems.append(Problem(relative, "-", "-", "must be a list of entries"))
        return []
    return content


def _label(index: int, raw: Any) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return f"#{index + 1} ({code})" if isinstance(code, str) else f"#{index + 1}"


def _unique(
    problems: list[Problem], file: str, label: str, code: str, seen: dict[str, str]
) -> None:
    if code and code in seen:
        problems.append(Problem(file, label, "code", f"is also used in {seen[code]}"))
    elif code:
        seen[code] = file


def read_catalog(directory: Path) -> CatalogData:
    """Read and check every catalogue file under `directory`; raise on any problem."""
    problems: list[Problem] = []
    data = CatalogData()
    root = directory.resolve()
    name = root.name

    codes: dict[str, str] = {}
    file = f"{name}/categories.yaml"
    for index, raw in enumerate(_load_yaml_list(root / "categories.yaml", root, problems)):
        entry = _Entry(file, _label(index, raw), raw, problems)
        category = CategoryData(
            code=entry.code(),
            title=entry.text("title", max_length=200),
            description=entry.text("description", required=False),
            position=index,
        )
        entry.check_unknown()
        _unique(problems, file, entry.label, category.code, codes)
        data.categories.append(category)

    codes = {}
    file = f"{name}/agencies.yaml"
    for index, raw in enumerate(_load_yaml_list(root / "agencies.yaml", root, problems)):
        entry = _Entry(file, _label(index, raw), raw, problems)
        agency = AgencyData(
            code=entry.code(),
            name=entry.text("name", max_length=300),
            short_name=entry.text("short_name", required=False, max_length=60),
            description=entry.text("description", required=False),
            website=entry.string("website"),
            email=entry.string("email", max_length=254),
            phone=entry.string("phone", max_length=40),
            address=entry.text("address", required=False, max_length=300),
            position=index,
        )
        if agency.website and not agency.website.startswith(("https://", "http://")):
            entry.problem("website", "must start with https://")
        if agency.email and "@" not in agency.email:
            entry.problem("email", "must be an e-mail address")
        entry.check_unknown()
        _unique(problems, file, entry.label, agency.code, codes)
        data.agencies.append(agency)

    category_codes = {category.code for category in data.categories}
    agency_codes = {agency.code for agency in data.agencies}
    codes = {}
    service_files = sorted((root / "services").glob("*.yaml"))
    if not service_files:
        problems.append(Problem(f"{name}/services", "-", "-", "holds no *.yaml files"))
    for path in service_files:
        file = f"{name}/services/{path.name}"
        for index, raw in enumerate(_load_yaml_list(path, root, problems)):
            entry = _Entry(file, _label(index, raw), raw, problems)
            service = _read_service(entry, category_codes, agency_codes)
            _unique(problems, file, entry.label, service.code, codes)
            data.services.append(service)

    data.services = _read_forms(root, data.services, problems)

    file = f"{name}/synonyms.yaml"
    synonyms_path = root / "synonyms.yaml"
    if synonyms_path.exists():
        for index, raw in enumerate(_load_yaml_list(synonyms_path, root, problems)):
            if (
                not isinstance(raw, list)
                or len(raw) < 2
                or not all(isinstance(term, str) and term.strip() for term in raw)
            ):
                problems.append(
                    Problem(file, f"#{index + 1}", "-", "must be a list of two or more words")
                )
                continue
            data.synonyms.append(tuple(term.strip() for term in raw))

    if problems:
        raise CatalogFileError(problems)
    return data


def _read_forms(
    root: Path, services: list[ServiceData], problems: list[Problem]
) -> list[ServiceData]:
    """Attach each `forms/<service-code>.yaml` (docs/forms-format.md) to its service."""
    by_code = {service.code: index for index, service in enumerate(services)}
    result = list(services)
    for path in sorted((root / "forms").glob("*.yaml")):
        file = f"{root.name}/forms/{path.name}"
        code = path.name.removesuffix(".yaml")
        index = by_code.get(code)
        if index is None:
            problems.append(
                Problem(file, "-", "-", f"names no service of the catalogue ('{code}')")
            )
            continue
        if services[index].kind != "functional":
            problems.append(
                Problem(file, "-", "-", f"'{code}' is not a functional service: it has no form")
            )
            continue
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(file, "-", "-", f"cannot be read: {error}"))
            continue
        except yaml.YAMLError as error:
            problems.append(Problem(file, "-", "-", f"is not valid YAML: {error}"))
            continue
        try:
            parse_form(content)
        except FormDefinitionError as error:
            entry, _dot, rest = error.path.partition(".")
            if not rest:
                entry, rest = "form", entry or "-"
            problems.append(Problem(file, entry, rest, error.message))
            continue
        result[index] = replace(services[index], form=_plain(content))
    return result


def _plain(value: Any) -> Any:
    """YAML's values as JSON's: dates become ISO text (forms store `not_before: 2026-01-01`)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _read_service(entry: _Entry, category_codes: set[str], agency_codes: set[str]) -> ServiceData:
    code = entry.code()
    title = entry.text("title", max_length=300)
    summary = entry.text("summary", max_length=500)
    description = entry.text("description")
    kind = entry.choice("kind", KINDS)
    audience = entry.choice("audience", AUDIENCES)
    provider = entry.string("provider", required=True, max_length=80)
    if provider and provider not in agency_codes:
        entry.problem("provider", f"names an unknown agency '{provider}'")
    raw_categories = entry._get("categories", True)
    categories: tuple[str, ...] = ()
    if raw_categories is not None:
        if not isinstance(raw_categories, list) or not raw_categories:
            entry.problem("categories", "must be a non-empty list of category codes")
        else:
            categories = tuple(str(item) for item in raw_categories)
            for unknown in [item for item in categories if item not in category_codes]:
                entry.problem("categories", f"names an unknown category '{unknown}'")
            if len(set(categories)) != len(categories):
                entry.problem("categories", "names a category twice")
    fee_gel, fee_note = entry.fee()
    deadline = entry.whole_number("deadline_days", None, 365)
    documents = entry.text_list("documents")
    steps = entry.text_list("steps", same_length=True)
    keywords = entry.text_list("keywords")
    popularity = entry.whole_number("popularity", 0, 1_000_000) or 0
    signature = entry._get("signature", False) or "none"
    if signature not in SIGNATURES:
        entry.problem("signature", f"must be one of: {', '.join(SIGNATURES)}")
        signature = "none"
    entry.check_unknown()
    return ServiceData(
        code=code,
        title=title,
        summary=summary,
        description=description,
        kind=kind,
        audience=audience,
        provider=provider,
        categories=categories,
        fee_gel=fee_gel,
        fee_note=fee_note,
        deadline_working_days=deadline,
        documents=documents,
        steps=steps,
        keywords=keywords,
        popularity=popularity,
        signature=str(signature),
    )
