"""Nobody sees what is not theirs: one table of every URL that names an object, by method
and by who asks, with the answer each must get.

The rule (docs/applications.md, docs/identity.md): the owner, or the right agency staff,
gets the page and the action works; anyone else gets 404, the same answer as for an
object that does not exist, so the answer does not reveal that it exists; anonymous people
are sent to sign in and change nothing; the back-office is for agency staff only (anyone
else: 403, for every reference alike) and the Public Service Hall desk for operators only.

Each cell of the table is its own test case (its id names the URL, the method and the
actor). A refused request must change nothing in the database, and must get exactly what
the same request gets for an identifier that does not exist. `test_every_object_url_is_in
_the_table` walks Django's URL resolver, so a new object URL cannot be added without a row
here.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone, translation

import pytest
from PIL import Image

from onewindow.applications.attachments.services import attachment_store
from onewindow.applications.correspondence import message_send
from onewindow.applications.models import (
    Application,
    Attachment,
    Draft,
    InternalNote,
    Message,
    StatusChange,
)
from onewindow.backoffice.models import StaffMembership
from onewindow.catalog.models import Agency
from onewindow.exchange.models import DataAccess
from onewindow.identity.models import Account, PortalSession, SignInMethod
from onewindow.identity.roles import Role
from onewindow.notifications.models import ChannelPreference, Notification
from onewindow.signing import signed_drafts
from onewindow.signing.models import IssuedDocument, SigningSession

from .journey_helpers import make_citizen, make_draft, make_service

Status = Application.Status

# --- The world ----------------------------------------------------------------------------

ACTORS = (
    "owner",  # Nino, the citizen whose draft, application, notice and session they are
    "other_citizen",  # Giorgi, another citizen
    "clerk_a",  # agency A's clerk the case is assigned to
    "clerk_a2",  # another clerk of agency A (the case is a colleague's)
    "supervisor_a",
    "head_a",
    "clerk_b",  # a clerk of agency B
    "member_a",  # an active membership of agency A, but not (any more) the agency-staff role
    "operator",  # a Public Service Hall operator
    "anonymous",
)
STAFF_A = ("clerk_a", "clerk_a2", "supervisor_a", "head_a")


@dataclass
class World:
    accounts: dict[str, Account]
    application: Application
    draft: Draft
    draft_file: Attachment
    application_file: Attachment
    message_file: Attachment
    notification: Notification
    other_session: PortalSession
    sign_draft: Draft  # a draft of a service that takes a signature
    signing_session: SigningSession  # waiting for the card
    issued: IssuedDocument  # a sealed extract issued to the owner

    def ids(self) -> dict[str, str]:
        """What the table's URLs and forms are filled in with."""
        return {
            "draft": str(self.draft.pk),
            "submission_key": str(self.draft.submission_key),
            "draft_file": str(self.draft_file.pk),
            "application_file": str(self.application_file.pk),
            "message_file": str(self.message_file.pk),
            "reference": self.application.reference,
            "notification": str(self.notification.pk),
            "session": str(self.other_session.pk),
            "clerk_a2": str(self.accounts["clerk_a2"].pk),
            "sign_draft": str(self.sign_draft.pk),
            "signing_session": str(self.signing_session.pk),
            "issued": str(self.issued.pk),
        }

    @staticmethod
    def ghost_ids(real: dict[str, str]) -> dict[str, str]:
        """The same, with every object identifier one that names nothing."""
        return {
            **real,
            "draft": str(uuid.uuid4()),
            "submission_key": str(uuid.uuid4()),
            "draft_file": str(uuid.uuid4()),
            "application_file": str(uuid.uuid4()),
            "message_file": str(uuid.uuid4()),
            "reference": "OW-2026-9999999",
            "notification": "987654",
            "session": "987654",
            "sign_draft": str(uuid.uuid4()),
            "signing_session": str(uuid.uuid4()),
            "issued": str(uuid.uuid4()),
        }


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _account(username: str, *, group: Role | None = None, **extra: Any) -> Account:
    account = Account.objects.create_user(username=username, password=None, **extra)
    if group is not None:
        account.groups.add(Group.objects.get_or_create(name=group.value)[0])
    return account


def _staff(username: str, agency: Agency, role: str, *, with_role: bool = True) -> Account:
    """Staff as `create_staff` makes them: the agency-staff group and a membership."""
    account = _account(username, group=Role.AGENCY_STAFF if with_role else None)
    StaffMembership.objects.create(account=account, agency=agency, role=role)
    return account


def make_world() -> World:
    agency_a = Agency.objects.create(code="agency-a", name_ka="უწყება ა", name_en="Agency A")
    agency_b = Agency.objects.create(code="agency-b", name_ka="უწყება ბ", name_en="Agency B")
    service = make_service(agency_a)
    owner = make_citizen("nino", "01001012345")
    accounts = {
        "owner": owner,
        "other_citizen": make_citizen("giorgi", "01001054321"),
        "clerk_a": _staff("clerk.a", agency_a, StaffMembership.Role.CLERK),
        "clerk_a2": _staff("clerk.a2", agency_a, StaffMembership.Role.CLERK),
        "supervisor_a": _staff("supervisor.a", agency_a, StaffMembership.Role.SUPERVISOR),
        "head_a": _staff("head.a", agency_a, StaffMembership.Role.HEAD),
        "clerk_b": _staff("clerk.b", agency_b, StaffMembership.Role.CLERK),
        "member_a": _staff("member.a", agency_a, StaffMembership.Role.CLERK, with_role=False),
        "operator": _account("desk.operator", group=Role.OPERATOR, service_hall="Tbilisi"),
    }
    draft = make_draft(owner, service)
    draft_file = attachment_store(png_upload("draft.png"), uploaded_by=owner, draft=draft)

    application = Application.objects.create(
        reference="OW-2026-0000042",
        kind=Application.Kind.APPLICATION,
        applicant=owner,
        service=service,
        agency=agency_a,
        language="en",
        subject="Change of address",
        answers={"reason": "moving"},
        submission_key=uuid.uuid4(),
        status=Status.IN_PROGRESS,
        submitted_at=timezone.now() - dt.timedelta(days=30),
        # Overdue, so that the owner may escalate it.
        due_on=timezone.localdate() - dt.timedelta(days=5),
        assignee=accounts["clerk_a"],
    )
    StatusChange.objects.create(
        application=application, from_status="", to_status=Status.SUBMITTED, actor=owner
    )
    application.pdf.save(f"{application.reference}.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    # A file of the application: uploaded to a draft, which submission turned into it.
    earlier = make_draft(owner, service)
    application_file = attachment_store(
        png_upload("passport.png"), uploaded_by=owner, draft=earlier
    )
    Attachment.objects.filter(pk=application_file.pk).update(application=application, draft=None)
    earlier.delete()
    # The agency's letter to the citizen, with a document.
    letter = message_send(
        application,
        author=accounts["clerk_a"],
        direction=Message.Direction.TO_CITIZEN,
        body="Please bring the original.",
        attachments=[png_upload("letter.png")],
    )
    message_file = letter.attachments.get()
    application.refresh_from_db()
    notification = Notification.objects.create(
        recipient=owner,
        event="application-received",
        application=application,
        language="en",
        subject="Your application was received",
        body="Your application OW-2026-0000042 was received.",
        dedupe_key="authorisation-matrix",
    )
    other_session = PortalSession.objects.create(
        account=owner, session_key="nino-on-her-phone", method=SignInMethod.ID_CARD
    )
    # Signing: a draft of a service that takes a signature, one signing waiting for the
    # card and one done (its PDF stands in for the engine's: who may fetch it is the point).
    signed_service = make_service(agency_a, code="signed-request", signature="optional")
    sign_draft = make_draft(owner, signed_service)
    fingerprint = signed_drafts.content_sha256(sign_draft, [])
    later = timezone.now() + dt.timedelta(minutes=10)
    signing_session = SigningSession.objects.create(
        account=owner, draft=sign_draft, kind="person", content_sha256=fingerprint,
        state=b"state", digest=b"digest", hash_function="SHA-256", expires_at=later,
    )  # fmt: skip
    done = SigningSession.objects.create(
        account=owner, draft=sign_draft, kind="person", content_sha256=fingerprint,
        state=b"state", digest=b"digest", hash_function="SHA-256", expires_at=later,
        status=SigningSession.Status.SIGNED, signed_at=timezone.now(),
    )  # fmt: skip
    done.signed_file.save("signed.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    issued = IssuedDocument(
        code="ABCDEFGHJKMN", sha256="0" * 64, title="Extract", title_ka="ამონაწერი",
        kind="entrepreneurs-extract", agency=agency_a, issued_to=owner,
    )  # fmt: skip
    issued.file.save("extract.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    return World(
        sign_draft=sign_draft,
        signing_session=signing_session,
        issued=issued,
        accounts=accounts,
        application=application,
        draft=draft,
        draft_file=draft_file,
        application_file=application_file,
        message_file=message_file,
        notification=notification,
        other_session=other_session,
    )


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    # Who may answer, not the agency's seal (signing/tests/test_issued.py seals answers).
    settings.SIGNING_SEAL_ANSWERS = False
    return tmp_path / "attachments"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client_of(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.accounts[actor])
    return client


# --- What must not change -------------------------------------------------------------------

# Every model a request on these URLs could write, with the columns to compare (all of
# them, except when an activity clock is noted).
WATCHED: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Draft, ()),
    (Application, ()),
    (StatusChange, ()),
    (Message, ()),
    (InternalNote, ()),
    (Attachment, ()),
    (Notification, ()),
    (ChannelPreference, ()),
    (DataAccess, ()),
    (SigningSession, ()),
    (IssuedDocument, ()),
    (PortalSession, ("last_seen_at",)),
    (Account, ("last_login",)),
)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every watched row, as values: two snapshots are equal if nothing was written."""
    state: dict[str, list[dict[str, Any]]] = {}
    for model, ignored in WATCHED:
        rows = model._default_manager.order_by("pk").values()
        state[model.__name__] = [
            {key: value for key, value in row.items() if key not in ignored} for row in rows
        ]
    return state


# --- The table ------------------------------------------------------------------------------

SIGN_IN = "sign in"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Expect:
    """The answer one actor must get. `changes`: the request must (True) or must not
    (False) write to the database; None: not checked (a page the actor may see, which may
    record that it was seen). `knows`: the actor may see the object (a 403 on an action
    reveals nothing to them), so no comparison with an identifier that names nothing."""

    status: int | str
    changes: bool | None = None
    knows: bool = False

    @property
    def refused(self) -> bool:
        return self.status in (403, 404, SIGN_IN)


SEES = Expect(200)
WORKS = Expect(302, changes=True)
NOT_FOUND = Expect(404, changes=False)
STAFF_ONLY = Expect(403, changes=False)  # the whole back-office or desk, any identifier
TO_SIGN_IN = Expect(SIGN_IN, changes=False)
REFUSED_WITH_A_MESSAGE = Expect(302, changes=False, knows=True)  # back to the case, an error
NOT_THEIR_ACTION = Expect(403, changes=False, knows=True)  # a supervisor's action


@dataclass(frozen=True)
class Row:
    """One URL and method, with what every actor gets."""

    name: str  # the URL's name (checked against what the path resolves to)
    method: str
    url: str  # with {placeholders} from World.ids()
    expect: dict[str, Expect]
    data: dict[str, str] = field(default_factory=dict)
    upload: bool = False  # send a file as "file"
    prepare: Callable[[World], None] | None = None  # put the world in the state the row needs

    @property
    def label(self) -> str:
        return f"{self.method} {self.url}"


def owner_only(owner: Expect) -> dict[str, Expect]:
    """A citizen's own page: the owner; nobody else, agency staff included."""
    expect = dict.fromkeys(ACTORS, NOT_FOUND)
    expect.update(owner=owner, anonymous=TO_SIGN_IN)
    return expect


def owner_and_agency(owner: Expect, staff: Expect) -> dict[str, Expect]:
    """A file of an application: the applicant and the addressee agency's staff."""
    expect = owner_only(owner)
    expect.update(dict.fromkeys(STAFF_A, staff))
    return expect


def back_office(**staff_a: Expect) -> dict[str, Expect]:
    """A case of agency A: its staff as given; agency B's staff do not find it; people who
    are not agency staff (also the A member without the role) are refused at the door."""
    expect = dict.fromkeys(ACTORS, STAFF_ONLY)
    expect.update(clerk_b=NOT_FOUND, anonymous=TO_SIGN_IN)
    expect.update(staff_a)
    return expect


def hall(operator: Expect) -> dict[str, Expect]:
    expect = dict.fromkeys(ACTORS, STAFF_ONLY)
    expect.update(operator=operator, anonymous=TO_SIGN_IN)
    return expect


def _status(status: str) -> Callable[[World], None]:
    def prepare(world: World) -> None:
        Application.objects.filter(pk=world.application.pk).update(status=status)

    return prepare


def case_action(
    action: str,
    *,
    data: dict[str, str] | None = None,
    prepare: Callable[[World], None] | None = None,
    who: tuple[str, ...] = ("clerk_a", "supervisor_a", "head_a"),
) -> Row:
    """A case action of the back-office: `who` can do it; the other A staff see the case
    but are refused it with a message and nothing changes."""
    staff = dict.fromkeys(STAFF_A, REFUSED_WITH_A_MESSAGE)
    staff.update(dict.fromkeys(who, WORKS))
    return Row(
        "backoffice:case-action",
        "POST",
        f"/en/office/cases/{{reference}}/{action}",
        back_office(**staff),
        data=data or {},
        prepare=prepare,
    )


DRAFT_PAGE = "/en/apply/draft/{draft}/about/"
ANSWERS = {"reason": "A new flat", "moving": "no"}
BODY = {"body": "A few words about the case."}

TABLE: tuple[Row, ...] = (
    # The apply journey and drafts.
    Row("applications:page", "GET", DRAFT_PAGE, owner_only(SEES)),
    Row("applications:page", "POST", DRAFT_PAGE, owner_only(WORKS), data=ANSWERS),
    Row("applications:check", "GET", "/en/apply/draft/{draft}/check/", owner_only(SEES)),
    Row(
        "applications:submit",
        "POST",
        "/en/apply/draft/{draft}/submit/",
        owner_only(WORKS),
        data={"submission_key": "{submission_key}"},
    ),
    Row(
        "applications:confirmation",
        "GET",
        "/en/applications/{reference}/submitted/",
        owner_only(SEES),
    ),
    Row(
        "applications:draft-delete",
        "GET",
        "/en/applications/drafts/{draft}/delete/",
        owner_only(SEES),
    ),
    Row(
        "applications:draft-delete",
        "POST",
        "/en/applications/drafts/{draft}/delete/",
        owner_only(WORKS),
    ),
    # Attachments.
    Row(
        "applications:attachment-upload",
        "GET",
        "/en/apply/draft/{draft}/files/upload/",
        owner_only(SEES),
    ),
    Row(
        "applications:attachment-upload",
        "POST",
        "/en/apply/draft/{draft}/files/upload/",
        owner_only(WORKS),
        upload=True,
    ),
    Row(
        "applications:attachment-delete",
        "POST",
        "/en/apply/draft/{draft}/files/{draft_file}/delete/",
        owner_only(WORKS),
    ),
    Row("applications:attachment", "GET", "/en/files/{draft_file}/", owner_only(SEES)),
    Row(
        "applications:attachment",
        "GET",
        "/en/files/{application_file}/",
        owner_and_agency(SEES, SEES),
    ),
    Row(
        "applications:attachment",
        "GET",
        "/en/files/{message_file}/",
        owner_and_agency(SEES, SEES),
    ),
    # My applications.
    Row("applications:detail", "GET", "/en/applications/{reference}/", owner_only(SEES)),
    Row(
        "applications:reply",
        "POST",
        "/en/applications/{reference}/reply/",
        owner_only(WORKS),
        data=BODY,
    ),
    Row(
        "applications:escalate",
        "POST",
        "/en/applications/{reference}/escalate/",
        owner_only(WORKS),
    ),
    Row("applications:pdf", "GET", "/en/applications/{reference}/pdf/", owner_only(SEES)),
    # Notifications.
    Row("notifications:message", "GET", "/en/inbox/{notification}/", owner_only(SEES)),
    Row(
        "notifications:read",
        "POST",
        "/en/inbox/read/",
        owner_only(WORKS),
        data={"notification": "{notification}"},
    ),
    # The account's sessions.
    Row(
        "identity:session-end",
        "POST",
        "/en/account/sessions/{session}/end/",
        owner_only(WORKS),
    ),
    # The back-office.
    Row(
        "backoffice:case",
        "GET",
        "/en/office/cases/{reference}/",
        back_office(**dict.fromkeys(STAFF_A, SEES)),
    ),
    Row(
        "backoffice:case-pdf",
        "GET",
        "/en/office/cases/{reference}/application.pdf",
        back_office(**dict.fromkeys(STAFF_A, SEES)),
    ),
    case_action("take", who=("supervisor_a", "head_a")),  # clerk A has it already
    case_action("receive", prepare=_status(Status.SUBMITTED)),
    case_action("start", prepare=_status(Status.RECEIVED)),
    Row(
        "backoffice:case-action",
        "POST",
        "/en/office/cases/{reference}/reassign",
        back_office(
            clerk_a=NOT_THEIR_ACTION, clerk_a2=NOT_THEIR_ACTION, supervisor_a=WORKS, head_a=WORKS
        ),
        data={"assignee": "{clerk_a2}"},
    ),
    case_action("request-information", data=BODY),
    case_action("answer", data={**BODY, "outcome": Application.Outcome.APPROVED}),
    case_action("note", data=BODY),
    case_action("close", prepare=_status(Status.ANSWERED)),
    # The Public Service Hall desk: nothing looked up yet, so the operator is sent to it.
    # Signing (issue 6): only the draft's owner; a refused request writes nothing.
    Row("signing:sign", "GET", "/en/sign/draft/{sign_draft}/", owner_only(SEES)),
    Row("signing:sign-preview", "GET", "/en/sign/draft/{sign_draft}/preview.pdf", owner_only(SEES)),
    Row("signing:signed-pdf", "GET", "/en/sign/draft/{sign_draft}/signed.pdf", owner_only(SEES)),
    # The owner's bare POST is answered "could not be read" (400): the card agent's
    # answer is JSON; nobody else learns the draft exists.
    Row(
        "signing:prepare",
        "POST",
        "/en/sign/draft/{sign_draft}/prepare",
        owner_only(Expect(400, changes=False, knows=True)),
    ),
    Row(
        "signing:finish",
        "POST",
        "/en/sign/draft/{sign_draft}/{signing_session}/finish",
        owner_only(Expect(400, changes=False, knows=True)),
    ),
    Row("signing:issued-download", "GET", "/en/documents/issued/{issued}/", owner_only(SEES)),
    # A sealed copy of a registered document: always asked about the signed-in person, so
    # the registry answers only for a document of their own property (signing/tests/
    # test_registry_copies.py has the owner, someone else and a registry that is down).
    # This world has no registry: a person is sent back to the real-estate page with a
    # message and nothing is written; an account without a personal number gets 403.
    Row(
        "signing:registry-copy",
        "POST",
        "/en/my-data/real-estate/documents/882019900101/copy/",
        dict.fromkeys(ACTORS, Expect(403, changes=False))
        | dict.fromkeys(("owner", "other_citizen"), Expect(302, changes=False))
        | {"anonymous": TO_SIGN_IN},
    ),
    Row("identity:hall-desk", "GET", "/en/hall/", hall(SEES)),
    Row("identity:hall-person", "GET", "/en/hall/person/", hall(Expect(302))),
    *(
        Row(f"identity:hall-{what}", "POST", url, hall(Expect(302, changes=False)))
        for what, url in (
            ("register", "/en/hall/person/register"),
            ("reset", "/en/hall/person/reset"),
            ("slip", "/en/hall/person/slip.pdf"),
        )
    ),
)


def _cells() -> Iterator[Any]:
    for row in TABLE:
        for actor in ACTORS:
            yield pytest.param(row, actor, id=f"{row.label} as {actor}")


def _send(client: Client, row: Row, ids: dict[str, str]) -> Any:
    url = row.url.format(**ids)
    with translation.override("en"):
        assert resolve(url).view_name == row.name, f"{url} is not {row.name}"
    if row.method == "GET":
        return client.get(url)
    data: dict[str, Any] = {key: value.format(**ids) for key, value in row.data.items()}
    if row.upload:
        data["file"] = png_upload("new.png")
    return client.post(url, data)


def _is(response: Any, status: int | str) -> bool:
    code: int = response.status_code
    if status == SIGN_IN:
        location: str = response.get("Location", "")
        return code == 302 and location.startswith("/en/sign-in/")
    return code == status


def _answer(response: Any) -> str:
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


@pytest.mark.parametrize(("row", "actor"), list(_cells()))
def test_authorisation(world: World, row: Row, actor: str) -> None:
    """One cell: what `actor` gets for `row`, what it writes, and that a refusal is the
    same answer as for an identifier that names nothing."""
    expect = row.expect[actor]
    if row.prepare:
        row.prepare(world)
    client = client_of(world, actor)
    ids = world.ids()
    before = snapshot()
    response = _send(client, row, ids)
    assert _is(response, expect.status), (
        f"{row.label} as {actor}: {_answer(response)}, expected {expect.status}"
    )
    if expect.changes is not None:
        changed = snapshot() != before
        assert changed is expect.changes, f"{row.label} as {actor}: " + (
            "it changed the database" if changed else "the action did nothing"
        )
    if expect.refused and not expect.knows:
        ghost = _send(client, row, World.ghost_ids(ids))
        assert _is(ghost, expect.status), (
            f"{row.label} as {actor}: {_answer(response)}, but for an identifier that "
            f"names nothing {_answer(ghost)}: the answer reveals that the object exists"
        )


def test_the_table_has_a_cell_for_every_actor() -> None:
    for row in TABLE:
        assert set(row.expect) == set(ACTORS), row.label
        if row.method == "POST":
            assert all(expect.changes is not None for expect in row.expect.values()), row.label


# --- The data-access log ----------------------------------------------------------------------


def _case_views() -> Any:
    return DataAccess.objects.filter(
        personal_number="01001012345", asker_kind=DataAccess.AskerKind.AGENCY_STAFF
    )


def test_a_staff_case_view_writes_the_citizens_access_log(world: World) -> None:
    clerk = world.accounts["clerk_a"]
    response = client_of(world, "clerk_a").get(f"/en/office/cases/{world.application.reference}/")
    assert response.status_code == 200
    entry = _case_views().get()
    assert entry.asker == f"staff:agency-a:{clerk.pk}"
    assert entry.agency == "agency-a"
    assert entry.operation == f"application {world.application.reference}"


@pytest.mark.parametrize(
    "actor", ["clerk_b", "member_a", "operator", "owner", "other_citizen", "anonymous"]
)
def test_a_refused_case_view_writes_nothing(world: World, actor: str) -> None:
    response = client_of(world, actor).get(f"/en/office/cases/{world.application.reference}/")
    assert response.status_code in (302, 403, 404)
    assert not _case_views().exists()
    assert not DataAccess.objects.exists()


# --- Completeness: every object URL is in the table -------------------------------------------

# URL parameters that do not name an object of a person: what they name is public, or is
# part of an object named by another parameter of the same URL.
NOT_OBJECT_PARAMETERS = {
    # Catalogue codes: categories, services, agencies. In My data (`my-data/<code>/`), the
    # agency service whose data about the signed-in person is shown: always their own.
    "code": "a public catalogue code",
    "service": "a public service code (the apply journey's start)",
    "page_id": "a page of the form, inside the draft named by the same URL",
    "action": "a back-office case action, on the case named by the same URL",
    # `my-data/extracts/<kind>/`: a sealed extract of the signed-in person's own data.
    "kind": "the kind of extract of the signed-in person's own registry data",
}
# Namespaces with their own access rule, tested where they are built.
NOT_CHECKED_HERE = {
    "admin": "the Django admin: staff signed in with two factors only "
    "(identity/middleware.py PortalSessionMiddleware._admin; identity/tests/test_admin.py)",
}


def _parameters(pattern: Any) -> dict[str, Any]:
    """The named parameters of one level of a URL pattern, with their converters."""
    names = dict.fromkeys(pattern.regex.groupindex)
    names.update(getattr(pattern, "converters", {}))
    return names


def object_urls(
    patterns: list[URLPattern | URLResolver],
    namespace: tuple[str, ...] = (),
    inherited: dict[str, Any] | None = None,
) -> dict[str, set[str]]:
    """URL name → the object-identifier parameters of every pattern that takes one
    (a uuid or int converter, or any parameter not known to name something public)."""
    found: dict[str, set[str]] = {}
    for pattern in patterns:
        parameters = {**(inherited or {}), **_parameters(pattern.pattern)}
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            if inner and inner[0] in NOT_CHECKED_HERE:
                continue
            for name, params in object_urls(pattern.url_patterns, inner, parameters).items():
                found.setdefault(name, set()).update(params)
            continue
        identifiers = {
            name
            for name, converter in parameters.items()
            if isinstance(converter, UUIDConverter | IntConverter)
            or name not in NOT_OBJECT_PARAMETERS
        }
        if identifiers:
            name = ":".join((*namespace, pattern.name or f"<unnamed {pattern.pattern}>"))
            found.setdefault(name, set()).update(identifiers)
    return found


def test_every_object_url_is_in_the_table() -> None:
    found = object_urls(get_resolver().url_patterns)
    in_table = {row.name for row in TABLE}
    missing = sorted(set(found) - in_table)
    assert not missing, f"object URLs without rows in the authorisation table: {missing}"
    # The citizens' and the back-office's object URLs are all there (the walk works).
    assert {"applications:detail", "backoffice:case-action", "notifications:message"} <= set(found)


def test_every_row_names_a_url_that_exists() -> None:
    names = {
        ":".join((*namespace, name))
        for name, namespace in _all_names(get_resolver().url_patterns, ())
    }
    stale = sorted({row.name for row in TABLE} - names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _all_names(
    patterns: list[URLPattern | URLResolver], namespace: tuple[str, ...]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from _all_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield pattern.name, namespace


def _view(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse()


def test_the_walk_finds_a_new_object_url() -> None:
    """The guard can fail: an object URL added anywhere is found, a public one is not."""
    patterns: list[URLPattern | URLResolver] = [
        path("things/<uuid:thing>/", _view, name="thing"),
        path("orders/<int:pk>/", _view, name="order"),
        path("cases/<str:number>/", _view, name="case"),
        path("services/<slug:code>/", _view, name="public"),
        path("list/", _view, name="list"),
    ]
    assert object_urls(patterns) == {"thing": {"thing"}, "order": {"pk"}, "case": {"number"}}
