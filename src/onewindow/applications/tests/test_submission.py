"""Submitting a draft: all or nothing, checked again on the server, idempotent; and the
status changes that follow (docs/applications.md)."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications.drafts import SubmissionRefused
from onewindow.applications.models import (
    Application,
    Attachment,
    Draft,
    ReferenceCounter,
    StatusChange,
)
from onewindow.applications.services import (
    InvalidTransition,
    application_submit,
    status_change,
)
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.notifications.tests.jobs import run_jobs

from .journey_helpers import (  # noqa: F401 - fixtures
    FORM,
    PAGES,
    agency,
    citizen,
    make_draft,
    make_service,
    other_citizen,
    service,
)

pytestmark = pytest.mark.django_db
Status = Application.Status
FILES_PAGE = {
    "id": "documents",
    "title": {"ka": "ფაილები", "en": "Files"},
    "fields": [
        {"name": "proof", "type": "file", "required": False,
         "label": {"ka": "დოკუმენტი", "en": "Proof"}},
    ],
}  # fmt: skip


def test_a_draft_becomes_an_application_with_a_reference_history_and_jobs(
    citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service)
    application = application_submit(draft, submitted_by=citizen)

    year = timezone.localtime().year
    assert application.reference == f"OW-{year}-0000001"
    assert application.applicant == citizen
    assert application.agency == service.provider
    assert application.answers == draft.answers
    assert application.submission_key == draft.submission_key
    assert application.status == Status.SUBMITTED
    assert application.kind == Application.Kind.APPLICATION
    assert application.language == "en"
    assert application.subject == "Change of address"
    # Ten working days later: never earlier than two calendar weeks less a day.
    assert application.due_on is not None
    assert application.due_on >= timezone.localdate() + datetime.timedelta(days=13)
    assert not Draft.objects.filter(pk=draft.pk).exists()
    history = list(StatusChange.objects.filter(application=application))
    assert [(change.from_status, change.to_status) for change in history] == [("", "submitted")]
    jobs = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert jobs == [
        "onewindow.applications.tasks.deliver_to_agency",
        "onewindow.applications.tasks.render_application_pdf",
    ]


def test_references_count_up_within_the_year(
    citizen: Account, other_citizen: Account, service: Service
) -> None:
    first = application_submit(make_draft(citizen, service), submitted_by=citizen)
    second = application_submit(make_draft(other_citizen, service), submitted_by=other_citizen)
    assert int(second.reference[-7:]) == int(first.reference[-7:]) + 1
    assert ReferenceCounter.objects.get().last == 2


def test_submitting_twice_makes_one_application(citizen: Account, service: Service) -> None:
    draft = make_draft(citizen, service)
    first = application_submit(draft, submitted_by=citizen)
    again = application_submit(draft, submitted_by=citizen)  # the same (now deleted) draft
    assert again.pk == first.pk
    assert Application.objects.count() == 1
    assert DBTaskResult.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "page"),
    [
        ({"email": "not an address"}, "contact"),  # a value the form refuses
        ({"reason": ""}, "about"),  # a required answer emptied
        ({"moving": "perhaps"}, None),  # not a choice (and the page it opened hides)
        ({"email": "NINO@EXAMPLE.GE "}, "contact"),  # not what the form would have stored
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_stored(
    citizen: Account, service: Service, change: dict[str, str], page: str | None
) -> None:
    draft = make_draft(citizen, service)
    draft.answers = {**draft.answers, **change}
    draft.save()
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(draft, submitted_by=citizen)
    assert refused.value.page == page
    assert Application.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_a_page_never_completed_is_refused(citizen: Account, service: Service) -> None:
    draft = make_draft(citizen, service, completed_pages=["about", "contact"])
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(draft, submitted_by=citizen)
    assert refused.value.page == "move"
    assert Application.objects.count() == 0


def test_an_answer_of_a_hidden_page_is_refused(citizen: Account, service: Service) -> None:
    draft = make_draft(citizen, service)
    draft.answers = {**draft.answers, "moving": "no"}  # move_date etc. should have gone
    draft.save()
    with pytest.raises(SubmissionRefused):
        application_submit(draft, submitted_by=citizen)
    assert Application.objects.count() == 0


def test_a_broken_rule_is_refused(citizen: Account, service: Service) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    draft = make_draft(citizen, service)
    draft.answers = {**draft.answers, "move_date": tomorrow.isoformat()}
    draft.save()
    with pytest.raises(SubmissionRefused):
        application_submit(draft, submitted_by=citizen)
    assert Application.objects.count() == 0
    assert ReferenceCounter.objects.filter(last__gt=0).count() == 0


def test_someone_elses_draft_cannot_be_submitted(
    citizen: Account, other_citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service)
    with pytest.raises(SubmissionRefused):
        application_submit(draft, submitted_by=other_citizen)
    assert Application.objects.count() == 0


def test_the_drafts_attachments_move_to_the_application(citizen: Account, service: Service) -> None:
    draft = make_draft(citizen, service)
    attachment = Attachment.objects.create(
        uploaded_by=citizen, draft=draft, field="proof", file="attachments/x.pdf", name="x.pdf",
        content_type="application/pdf", size=10, sha256="0" * 64, scan="clean",
    )  # fmt: skip
    application = application_submit(draft, submitted_by=citizen)
    # The form has no file field: an attachment no answer names goes with the draft.
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert application.attachments.count() == 0


def test_the_delivery_job_marks_it_received(citizen: Account, service: Service) -> None:
    application = application_submit(make_draft(citizen, service), submitted_by=citizen)
    run_jobs()
    application.refresh_from_db()
    assert application.status == Status.RECEIVED
    assert str(application.pdf.name).endswith(".pdf")
    changes = StatusChange.objects.filter(application=application).order_by("id")
    assert [change.to_status for change in changes] == ["submitted", "received"]
    assert changes.last() is not None and changes.last().actor is None  # type: ignore[union-attr]


def test_status_changes_follow_the_allowed_transitions(citizen: Account, service: Service) -> None:
    application = application_submit(make_draft(citizen, service), submitted_by=citizen)
    with pytest.raises(InvalidTransition):
        status_change(application, Status.ANSWERED, actor=None, outcome="approved")
    with pytest.raises(InvalidTransition):
        status_change(application, Status.CLOSED, actor=None)
    status_change(application, Status.RECEIVED, actor=None)
    status_change(application, Status.IN_PROGRESS, actor=citizen)
    status_change(application, Status.INFORMATION_REQUESTED, actor=citizen, note="Send a deed")
    status_change(application, Status.IN_PROGRESS, actor=citizen)
    with pytest.raises(InvalidTransition):
        status_change(application, Status.ANSWERED, actor=citizen)  # no outcome
    with pytest.raises(InvalidTransition):
        status_change(application, Status.IN_PROGRESS, actor=citizen, outcome="approved")
    status_change(application, Status.ANSWERED, actor=citizen, outcome="approved")
    assert application.answered_at is not None and application.outcome == "approved"
    status_change(application, Status.CLOSED, actor=citizen)
    with pytest.raises(InvalidTransition):
        status_change(application, Status.IN_PROGRESS, actor=citizen)

    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.closed_at is not None
    history = StatusChange.objects.filter(application=application).order_by("id")
    assert [(c.from_status, c.to_status) for c in history][1:] == [
        ("submitted", "received"),
        ("received", "in-progress"),
        ("in-progress", "information-requested"),
        ("information-requested", "in-progress"),
        ("in-progress", "answered"),
        ("answered", "closed"),
    ]
    assert history[3].note == "Send a deed"


def draft_file(owner: Account, draft: Draft, name: str) -> Attachment:
    return Attachment.objects.create(
        uploaded_by=owner, draft=draft, field="proof", file=f"attachments/{name}", name=name,
        content_type="application/pdf", size=10, sha256="0" * 64, scan="clean",
    )  # fmt: skip


def test_the_files_the_answers_name_go_to_the_application(citizen: Account, agency: Agency) -> None:
    form = {**FORM, "pages": [*FORM["pages"], FILES_PAGE]}
    service = make_service(agency, code="with-files", form=form)
    draft = make_draft(citizen, service, completed_pages=[*PAGES, "documents"])
    named, stray = (draft_file(citizen, draft, name) for name in ("deed.pdf", "old.pdf"))
    draft.answers = {**draft.answers, "proof": [str(named.pk)]}
    draft.save()
    Attachment.objects.filter(pk=stray.pk).update(field="gone")  # a field no longer asked

    application = application_submit(draft, submitted_by=citizen)
    named.refresh_from_db()
    assert named.application_id == application.pk and named.draft_id is None
    assert not Attachment.objects.filter(pk=stray.pk).exists()
    assert application.answers["proof"] == [str(named.pk)]


def test_a_file_the_draft_does_not_hold_is_refused(citizen: Account, agency: Agency) -> None:
    form = {**FORM, "pages": [*FORM["pages"], FILES_PAGE]}
    service = make_service(agency, code="with-files", form=form)
    draft = make_draft(citizen, service, completed_pages=[*PAGES, "documents"])
    draft.answers = {**draft.answers, "proof": ["0d4e4c3a-5a8c-4d36-9f53-2f1b4c0f8e11"]}
    draft.save()
    with pytest.raises(SubmissionRefused):
        application_submit(draft, submitted_by=citizen)
    assert Application.objects.count() == 0
