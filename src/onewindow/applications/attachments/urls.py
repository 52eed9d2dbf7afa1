"""URLs of this part of the applications room (docs/applications.md): uploading and
deleting a draft's files, downloading a file, and "My documents"."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("apply/draft/<uuid:draft>/files/upload/", views.upload, name="attachment-upload"),
    path(
        "apply/draft/<uuid:draft>/files/<uuid:attachment>/delete/",
        views.delete,
        name="attachment-delete",
    ),
    path("files/<uuid:attachment>/", views.download, name="attachment"),
    path("documents/", views.documents, name="documents"),
]
