"""The identity room in the admin: accounts and their roles (every change audited), the
terms of use (drafts edited, then published), sessions (ended from here), and the logs
(read-only). Who may use the admin at all: PortalSessionMiddleware (two-factor staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Max, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit, services
from .models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInAttempt,
    TermsAcceptance,
    TermsVersion,
)
from .roles import GROUP_ROLES, roles_of
from .signals import role_signal_muted

_ROLES_BEFORE = "_ow_roles_before"


def role_names(account: Account) -> list[str]:
    """The granted roles (not "citizen", which comes with a personal number)."""
    return sorted(str(role) for role in roles_of(account) if role in GROUP_ROLES)


@admin.register(Account)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = [
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("Citizen"),
            {"fields": ["personal_number", "first_name_ka", "last_name_ka"]},
        ),
        (
            _("Contact details"),
            {"fields": ["mobile", "email_confirmed_at", "mobile_confirmed_at"]},
        ),
        (
            _("Registration"),
            {"fields": ["must_change_password", "registered_by", "service_hall"]},
        ),
    ]
    readonly_fields = [
        "email_confirmed_at",
        "mobile_confirmed_at",
        "registered_by",
        "last_login",
        "date_joined",
    ]
    list_display = ["username", "personal_number", "first_name", "last_name", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "personal_number", "first_name", "last_name"]

    def save_model(self, request: HttpRequest, obj: Account, form: Any, change: bool) -> None:
        before: list[str] = []
        if change and obj.pk:
            stored = Account.objects.filter(pk=obj.pk).first()
            before = role_names(stored) if stored is not None else []
        setattr(request, _ROLES_BEFORE, before)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The groups are saved here; the m2m signal stays quiet so the change is recorded
        # once, with the administrator as the actor.
        with role_signal_muted():
            super().save_related(request, form, formsets, change)
        account: Account = form.instance
        before = getattr(request, _ROLES_BEFORE, [])
        after = role_names(account)
        if before != after:
            actor = request.user if isinstance(request.user, Account) else None
            audit.record(
                AuditEvent.Kind.ROLE_CHANGED,
                actor=actor,
                subject=account,
                request=request,
                data={"before": before, "after": after},
            )


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin[TermsVersion]):
    list_display = ["version", "published_at", "created_at"]
    fields = ("version", "summary_ka", "summary_en", "body_ka", "body_en", "published_at")
    actions = ["publish"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: TermsVersion | None = None
    ) -> list[str]:
        if obj is not None and obj.published_at is not None:
            return list(self.fields)  # a published version is never changed
        return ["published_at"]

    def has_delete_permission(self, request: HttpRequest, obj: TermsVersion | None = None) -> bool:
        return obj is None or obj.published_at is None

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> type[ModelForm[TermsVersion]]:  # fmt: skip
        form = super().get_form(request, obj, change=change, **kwargs)
        if "body_ka" in form.base_fields:
            help_text = _(
                "Plain text. A blank line separates paragraphs; “## ” starts a heading, "
                "“- ” a list item. {portal_name}, {support_email} and {support_phone} are "
                "filled in."
            )
            form.base_fields["body_ka"].help_text = help_text
            form.base_fields["body_en"].help_text = help_text
        return form

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request: HttpRequest, queryset: QuerySet[TermsVersion]) -> None:
        drafts = list(queryset.filter(published_at__isnull=True))
        if len(drafts) != 1:
            self.message_user(
                request, _("Select exactly one draft to publish."), level=messages.ERROR
            )
            return
        draft = drafts[0]
        newest = TermsVersion.objects.filter(published_at__isnull=False).aggregate(
            newest=Max("version")
        )["newest"]
        if newest is not None and draft.version <= newest:
            self.message_user(
                request,
                _("Version %(version)s is not newer than the published version %(newest)s.")
                % {"version": draft.version, "newest": newest},
                level=messages.ERROR,
            )
            return
        with transaction.atomic():
            draft.published_at = timezone.now()
            draft.save(update_fields=["published_at"])
            actor = request.user if isinstance(request.user, Account) else None
            audit.record(
                AuditEvent.Kind.TERMS_PUBLISHED,
                actor=actor,
                request=request,
                data={"version": draft.version},
            )
        self.message_user(
            request,
            _("Version %(version)s is published: everyone accepts it at their next sign-in.")
            % {"version": draft.version},
            level=messages.SUCCESS,
        )


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The logs: administrators read them; nobody adds, changes or deletes an entry."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "kind", "actor_label", "subject", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["actor_label", "subject__username", "subject__personal_number"]
    date_hierarchy = "at"


@admin.register(SignInAttempt)
class SignInAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "account", "method", "outcome", "reason", "ip_address"]
    list_filter = ["method", "outcome"]
    search_fields = ["account__username", "account__personal_number", "ip_address"]
    date_hierarchy = "at"


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["accepted_at", "account", "terms", "ip_address"]
    search_fields = ["account__username", "account__personal_number"]


@admin.register(PortalSession)
class PortalSessionAdmin(ReadOnlyAdmin):
    list_display = ["account", "method", "created_at", "last_seen_at", "ip_address", "ended_at",
                    "end_reason"]  # fmt: skip
    list_filter = ["method", "end_reason"]
    search_fields = ["account__username", "account__personal_number", "ip_address"]
    exclude = ["session_key"]
    actions = ["end_sessions"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The "end" action needs the change permission; the form has no editable field.
        return bool(request.user.has_perm("identity.change_portalsession"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PortalSession._meta.fields if f.name != "session_key"]

    @admin.action(description=_("End the selected sessions"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[PortalSession]) -> None:
        actor = request.user if isinstance(request.user, Account) else None
        ended = 0
        for portal_session in queryset.filter(ended_at__isnull=True).select_related("account"):
            services.end_session(
                portal_session, PortalSession.EndReason.ENDED_BY_ADMIN, request=request,
                actor=actor,
            )  # fmt: skip
            ended += 1
        self.message_user(
            request, _("Sessions ended: %(count)d.") % {"count": ended}, level=messages.SUCCESS
        )
