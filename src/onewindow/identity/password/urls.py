"""URLs of this part of the identity room (see docs/identity.md)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
