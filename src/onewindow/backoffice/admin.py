"""Staff memberships in the admin: who works in which agency's back-office, as what."""

from __future__ import annotations

from django.contrib import admin

from .models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin[StaffMembership]):
    list_display = ("account", "agency", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("account__username", "account__first_name", "account__last_name")
    autocomplete_fields = ("account",)
    list_select_related = ("account", "agency")
