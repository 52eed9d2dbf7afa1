"""The signing room's pages: the public verification page, sealed extracts and copies of
registered documents from My data, the person's issued documents, and the signing step of
the apply journey."""

from django.urls import path, re_path

from . import views_issued, views_sign, views_verify

app_name = "signing"
urlpatterns = [
    path("verify/", views_verify.verify, name="verify"),
    path("verify/<str:code>/original.pdf", views_verify.verify_download, name="verify-download"),
    path("my-data/extracts/<slug:kind>/", views_issued.extract, name="extract"),
    re_path(
        r"^my-data/real-estate/documents/(?P<registration_number>\d{12})/copy/$",
        views_issued.registry_copy,
        name="registry-copy",
    ),
    path("documents/issued/<uuid:pk>/", views_issued.download, name="issued-download"),
    # The signing step of the apply journey (views_sign).
    path("sign/draft/<uuid:draft_id>/", views_sign.sign, name="sign"),
    path("sign/draft/<uuid:draft_id>/preview.pdf", views_sign.preview, name="sign-preview"),
    path("sign/draft/<uuid:draft_id>/signed.pdf", views_sign.signed_pdf, name="signed-pdf"),
    path("sign/draft/<uuid:draft_id>/prepare", views_sign.prepare, name="prepare"),
    path("sign/draft/<uuid:draft_id>/<uuid:session_id>/finish", views_sign.finish, name="finish"),
]
