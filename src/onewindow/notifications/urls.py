"""URLs of the notifications room (docs/applications.md), under /<lang>/inbox/."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/", views.message, name="message"),
    path("read/", views.read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
]
