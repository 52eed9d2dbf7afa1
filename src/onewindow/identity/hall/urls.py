"""The Public Service Hall desk, under `hall/` (see docs/identity.md)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.hall_desk, name="hall-desk"),
    path("person/", views.hall_person, name="hall-person"),
    path("person/register", views.hall_register_view, name="hall-register"),
    path("person/reset", views.hall_reset_view, name="hall-reset"),
    path("person/slip.pdf", views.hall_slip, name="hall-slip"),
]
