"""sitemap.xml: every public page in both languages, with hreflang alternates."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import catalog


class _Bilingual(Sitemap):  # type: ignore[type-arg]
    i18n = True
    alternates = True
    x_default = True


class StaticPages(_Bilingual):
    def items(self) -> list[str]:
        return [
            "catalog:home",
            "catalog:agency_list",
            "pages:help",
            "pages:accessibility",
            "pages:terms",
            "pages:contact",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class Categories(_Bilingual):
    def items(self) -> list[Any]:
        return list(catalog().categories)

    def location(self, item: Any) -> str:
        return reverse("catalog:category_detail", args=[item.code])


class Services(_Bilingual):
    def items(self) -> list[Any]:
        return list(catalog().services)

    def location(self, item: Any) -> str:
        return reverse("catalog:service_detail", args=[item.code])


class Agencies(_Bilingual):
    def items(self) -> list[Any]:
        return list(catalog().agencies)

    def location(self, item: Any) -> str:
        return reverse("catalog:agency_detail", args=[item.code])


SITEMAPS = {
    "pages": StaticPages,
    "categories": Categories,
    "services": Services,
    "agencies": Agencies,
}
