"""The message log and the data-access log in the admin: read-only, like the tables."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import DataAccess, MessageLog


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageLog)
class MessageLogAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "direction",
        "kind",
        "peer",
        "operation",
        "status",
        "verified",
        "refusal",
        "request_id",
    ]
    list_filter = ["direction", "kind", "peer", "verified", "refusal"]
    search_fields = ["request_id"]
    date_hierarchy = "occurred_at"
    exclude = ["body"]
    readonly_fields = ["body_text"]

    @admin.display(description="body")
    def body_text(self, message: MessageLog) -> str:
        return bytes(message.body).decode("utf-8", errors="replace")


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyAdmin):
    list_display = [
        "accessed_at",
        "personal_number",
        "asker_kind",
        "asker",
        "purpose",
        "agency",
        "operation",
        "source",
        "outcome",
    ]
    list_filter = ["source", "asker_kind", "agency", "purpose", "from_cache"]
    search_fields = ["personal_number", "request_id", "asker"]
    date_hierarchy = "accessed_at"
