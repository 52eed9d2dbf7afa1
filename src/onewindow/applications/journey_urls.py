"""URLs of the apply journey and drafts (docs/applications.md, "URLs")."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("apply/<slug:service>/", views.start, name="start"),
    path("apply/draft/<uuid:draft_id>/check/", views.check, name="check"),
    path("apply/draft/<uuid:draft_id>/submit/", views.submit, name="submit"),
    path("apply/draft/<uuid:draft_id>/<slug:page_id>/", views.page, name="page"),
    path("applications/<str:reference>/submitted/", views.confirmation, name="confirmation"),
    path("applications/drafts/", views.drafts, name="drafts"),
    path("applications/drafts/<uuid:draft_id>/delete/", views.delete, name="draft-delete"),
]
