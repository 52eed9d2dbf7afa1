"""Password sign-in URLs, under `sign-in/password/` (see docs/identity.md)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.password_sign_in, name="password-sign-in"),
    path("code/", views.password_code, name="password-code"),
]
