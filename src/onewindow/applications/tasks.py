"""The applications room's jobs (django-tasks, database backend): thin wrappers around
services, enqueued inside the transaction that makes their work necessary."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from django_tasks import task

from .models import Application


@task()
def render_application_pdf(application_id: int) -> str:
    """Store the PDF rendition of the application as submitted; returns its storage name.
    Running it again keeps the PDF already made."""
    from .pdf import application_pdf

    application = Application.objects.select_related("service", "agency", "applicant").get(
        pk=application_id
    )
    if application.pdf:
        return str(application.pdf.name)
    content = application_pdf(application)
    application.pdf.save(f"{application.reference}.pdf", ContentFile(content), save=False)
    Application.objects.filter(pk=application.pk).update(pdf=application.pdf.name)
    return str(application.pdf.name)


@task()
def deliver_to_agency(application_id: int) -> str:
    """Hand the application to its agency. The agency's inbox is the portal's own
    back-office, so delivering it is marking it received."""
    from .services import status_change

    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.status == Application.Status.SUBMITTED:
            status_change(application, Application.Status.RECEIVED, actor=None)
    return application.status


@task()
def drafts_expire() -> dict[str, int]:
    """Daily: delete expired drafts and remind people of those that go in three days."""
    from .drafts import drafts_expire as expire

    deleted, reminded = expire()
    return {"deleted": deleted, "reminded": reminded}
