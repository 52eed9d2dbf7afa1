"""URLs of the notifications room (docs/applications.md)."""

from django.urls import URLPattern, URLResolver

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = []
