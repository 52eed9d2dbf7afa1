"""The applications room's pages (namespace `applications`; docs/applications.md):
the apply journey and drafts, attachments and "My documents", "My applications"."""

from .archive.urls import urlpatterns as archive_urlpatterns
from .attachments.urls import urlpatterns as attachment_urlpatterns
from .journey_urls import urlpatterns as journey_urlpatterns

app_name = "applications"

urlpatterns = [*journey_urlpatterns, *attachment_urlpatterns, *archive_urlpatterns]
