"""Notifications in the admin: read-only, for support (what was sent, and what failed)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ChannelPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "recipient", "event", "application", "emailed_at", "texted_at")
    list_filter = ("event", "language")
    search_fields = ("dedupe_key", "application__reference", "recipient__username")
    list_select_related = ("recipient", "application")
    raw_id_fields = ("recipient", "application")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin[ChannelPreference]):
    list_display = ("account", "email", "sms", "updated_at")
    raw_id_fields = ("account",)
    list_select_related = ("account",)
