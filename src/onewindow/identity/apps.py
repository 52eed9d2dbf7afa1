from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "onewindow.identity"
    verbose_name = "Identity"
