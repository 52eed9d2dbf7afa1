from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "onewindow.identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the role-change audit)
