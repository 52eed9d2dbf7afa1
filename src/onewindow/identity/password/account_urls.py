"""The password part's account pages, under `account/`: a new password, the
authenticator app and its recovery codes (see docs/identity.md)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("password/", views.password_change, name="password-change"),
    path("second-factor/", views.totp_enrol, name="totp-enrol"),
    path("second-factor/qr-code", views.totp_qr, name="totp-qr"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
]
