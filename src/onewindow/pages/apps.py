from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "onewindow.pages"
    verbose_name = "Portal pages"
