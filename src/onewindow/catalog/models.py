"""Catalogue records. Texts are stored per language (`title_ka`, `title_en`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Localized:
    """`obj.title` reads `title_<current language>`, falling back to Georgian."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        language = (get_language() or "ka")[:2]
        value = getattr(obj, f"{self.field}_{language}", None)
        return value if value else getattr(obj, f"{self.field}_ka")


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title_ka = models.CharField(_("title (Georgian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_ka = models.TextField(_("description (Georgian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    title = Localized("title")
    description = Localized("description")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.title_en} / {self.title_ka}"


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_ka = models.CharField(_("name (Georgian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    short_name_ka = models.CharField(_("short name (Georgian)"), max_length=60, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    description_ka = models.TextField(_("description (Georgian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_ka = models.CharField(_("address (Georgian)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    name = Localized("name")
    short_name = Localized("short_name")
    description = Localized("description")
    address = Localized("address")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ka}"


class Service(models.Model):
    class Kind(models.TextChoices):
        INFORMATIONAL = "informational", _("Information about you")
        FUNCTIONAL = "functional", _("Application")
        PAYMENT = "payment", _("Payment")

    class Signature(models.TextChoices):
        REQUIRED = "required", _("Required")
        OPTIONAL = "optional", _("Optional")
        NONE = "none", _("Not needed")

    class Audience(models.TextChoices):
        PERSON = "person", _("Individuals")
        LEGAL_ENTITY = "legal_entity", _("Legal entities")
        BOTH = "both", _("Individuals and legal entities")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title_ka = models.CharField(_("title (Georgian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_ka = models.CharField(_("summary (Georgian)"), max_length=500)
    summary_en = models.CharField(_("summary (English)"), max_length=500)
    description_ka = models.TextField(_("description (Georgian)"))
    description_en = models.TextField(_("description (English)"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    provider = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    categories = models.ManyToManyField(
        Category, through="ServiceCategory", related_name="services", verbose_name=_("categories")
    )
    fee_gel = models.DecimalField(
        _("fee (GEL)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_note_ka = models.CharField(_("fee note (Georgian)"), max_length=300, blank=True)
    fee_note_en = models.CharField(_("fee note (English)"), max_length=300, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("legal deadline (working days)"), null=True, blank=True
    )
    documents_ka = models.JSONField(_("required documents (Georgian)"), default=list, blank=True)
    documents_en = models.JSONField(_("required documents (English)"), default=list, blank=True)
    steps_ka = models.JSONField(_("steps (Georgian)"), default=list, blank=True)
    steps_en = models.JSONField(_("steps (English)"), default=list, blank=True)
    keywords_ka = models.JSONField(_("keywords (Georgian)"), default=list, blank=True)
    keywords_en = models.JSONField(_("keywords (English)"), default=list, blank=True)
    popularity = models.PositiveIntegerField(_("popularity"), default=0)
    # The online form (catalog/forms/<code>.yaml, docs/forms-format.md), checked by the
    # loader; null when the service cannot be applied for online.
    form = models.JSONField(_("online form"), null=True, blank=True)
    # Whether an application must be signed with the ID card (or sealed, for a company)
    # before it is sent (docs/signing.md, "The signing step").
    signature = models.CharField(
        _("signature"), max_length=8, choices=Signature.choices, default=Signature.NONE
    )
    is_generated = models.BooleanField(_("generated for scale tests"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by catalog.selectors on the in-memory copy: the service's categories, main first.
    category_list: list[Category]

    title = Localized("title")
    summary = Localized("summary")
    description = Localized("description")
    fee_note = Localized("fee_note")
    documents = Localized("documents")
    steps = Localized("steps")

    class Meta:
        ordering = ["-popularity", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.title_en} / {self.title_ka}"

    @property
    def is_free(self) -> bool:
        return self.fee_gel is None or self.fee_gel == Decimal("0")


class ServiceCategory(models.Model):
    """A service's place in a category; `position` 0 is its main category."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["service", "category"], name="unique_service_category")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} in {self.category_id}"


class SynonymGroup(models.Model):
    """Words and phrases that mean the same to someone searching (any language)."""

    terms = models.JSONField(_("terms"), default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return ", ".join(self.terms)


class CatalogState(models.Model):
    """One row: a version number bumped whenever anything in the catalogue changes."""

    version = models.PositiveBigIntegerField(default=0)
    # Random per change: a rolled-back change followed by another cannot repeat a token.
    token = models.CharField(max_length=32, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"catalogue version {self.version}"
