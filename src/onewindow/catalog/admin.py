"""Catalogue editing in the Django admin (changes reach search within seconds)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from .models import Agency, Category, Service, ServiceCategory, SynonymGroup


class ServiceCategoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceCategory
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "title_ka", "title_en", "position", "is_active"]
    list_editable = ["position"]
    list_filter = ["is_active"]
    search_fields = ["code", "title_ka", "title_en"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "name_ka", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_ka", "name_en", "short_name_en", "short_name_ka"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "title_ka", "title_en", "kind", "audience", "provider", "is_active"]
    list_filter = ["kind", "audience", "provider", "is_active", "is_generated"]
    search_fields = ["code", "title_ka", "title_en"]
    list_select_related = ["provider"]
    inlines = [ServiceCategoryInline]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "audience", "provider", "popularity", "is_active"]}),
        (
            "ქართული / Georgian",
            {
                "fields": [
                    "title_ka",
                    "summary_ka",
                    "description_ka",
                    "fee_note_ka",
                    "documents_ka",
                    "steps_ka",
                    "keywords_ka",
                ]
            },
        ),
        (
            "English",
            {
                "fields": [
                    "title_en",
                    "summary_en",
                    "description_en",
                    "fee_note_en",
                    "documents_en",
                    "steps_en",
                    "keywords_en",
                ]
            },
        ),
        ("Fee and deadline", {"fields": ["fee_gel", "deadline_working_days"]}),
        ("Record", {"fields": ["is_generated", "updated_at"]}),
    ]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "position"]
