"""URLs of this part of the identity room (see docs/identity.md), under `sign-in/id-card/`."""

from django.urls import URLPattern, URLResolver, path

from . import register, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("challenge", views.challenge, name="idcard-challenge"),
    path("token", views.token, name="idcard-token"),
    path("register/", register.register, name="idcard-register"),
    path("register/email/", register.register_email, name="idcard-register-email"),
    path("register/mobile/", register.register_mobile, name="idcard-register-mobile"),
    path("register/confirm/", register.register_confirm, name="idcard-register-confirm"),
]
