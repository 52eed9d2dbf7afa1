"""Applications in the admin: read-only, for support. Statuses change only through
`services.status_change` (the back-office), never by editing a row here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Application, Draft, ReferenceCounter, StatusChange


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline[StatusChange, Application]):
    model = StatusChange
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "service", "agency", "applicant", "status", "submitted_at")
    list_filter = ("status", "kind", "agency")
    search_fields = ("reference", "applicant__username", "applicant__personal_number")
    list_select_related = ("service", "agency", "applicant")
    raw_id_fields = ("applicant", "assignee", "service", "agency")
    date_hierarchy = "submitted_at"
    inlines = [StatusChangeInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ("id", "service", "owner", "updated_at", "expires_at", "reminder_sent_at")
    list_select_related = ("service", "owner")
    raw_id_fields = ("owner", "service", "agency")
    search_fields = ("owner__username",)


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
