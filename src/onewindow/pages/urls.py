from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("help/", views.content_page, {"name": "help"}, name="help"),
    path("accessibility/", views.content_page, {"name": "accessibility"}, name="accessibility"),
    path("terms/", views.content_page, {"name": "terms"}, name="terms"),
    path("contact/", views.content_page, {"name": "contact"}, name="contact"),
]
