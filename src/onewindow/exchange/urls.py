"""The exchange's endpoints for agencies (unprefixed, under /api/exchange/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("v1/access-reports", views.access_reports, name="access-reports"),
]
