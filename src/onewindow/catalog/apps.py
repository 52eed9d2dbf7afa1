from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects catalogue-change signals)
