"""URLs of this part of the identity room (see docs/identity.md), under `account/`."""

from django.urls import URLPattern, URLResolver, path

from . import contact, reauth, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.profile, name="profile"),
    path("terms/", views.accept_terms, name="accept-terms"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("history/", views.history, name="history"),
    path("contact/", contact.contact, name="contact"),
    path("contact/confirm/", contact.contact_confirm, name="contact-confirm"),
    path("reauth/", reauth.reauth, name="reauth"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("session/status", views.session_status, name="session-status"),
    path("session/extend", views.session_extend, name="session-extend"),
]
