"""URLs of the agency back-office (namespace `backoffice`, under /<lang>/office/)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "backoffice"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("workload/", views.workload_view, name="workload"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/application.pdf", views.case_pdf, name="case-pdf"),
    path("cases/<str:reference>/<slug:action>", views.case_action, name="case-action"),
]
