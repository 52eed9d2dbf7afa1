"""URLs of the backoffice room (docs/applications.md)."""

from django.urls import URLPattern, URLResolver

app_name = "backoffice"

urlpatterns: list[URLPattern | URLResolver] = []
