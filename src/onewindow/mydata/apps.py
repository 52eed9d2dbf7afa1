from django.apps import AppConfig


class MydataConfig(AppConfig):
    name = "onewindow.mydata"
    label = "mydata"
    verbose_name = "My data"
