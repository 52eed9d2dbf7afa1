from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Account


@admin.register(Account)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = [
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Citizen", {"fields": ["personal_number", "first_name_ka", "last_name_ka"]}),
    ]
    list_display = ["username", "personal_number", "first_name", "last_name", "is_staff"]
    search_fields = ["username", "personal_number", "first_name", "last_name"]
