"""The data-exchange app: the portal's only road to the agencies."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "onewindow.exchange"
    verbose_name = _("Data exchange")
    default_auto_field = "django.db.models.BigAutoField"
