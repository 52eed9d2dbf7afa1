"""URLs of "My applications" (docs/applications.md): the list, an application's page, the
reply, the escalation and the PDF. References look like OW-2026-0000123."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

REFERENCE = r"(?P<reference>OW-\d{4}-\d{7})"

urlpatterns: list[URLPattern | URLResolver] = [
    path("applications/", views.application_list, name="list"),
    re_path(rf"^applications/{REFERENCE}/$", views.application_detail, name="detail"),
    re_path(rf"^applications/{REFERENCE}/reply/$", views.application_reply, name="reply"),
    re_path(rf"^applications/{REFERENCE}/escalate/$", views.application_escalate, name="escalate"),
    re_path(rf"^applications/{REFERENCE}/pdf/$", views.application_pdf, name="pdf"),
]
