"""The portal's accounts. A citizen's account carries their personal number."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.exchange.models import AppendOnlyManager, AppendOnlyModel

personal_number_validator = RegexValidator(r"^\d{11}$", _("A personal number has 11 digits."))


class Account(AbstractUser):
    """A person who signs in: a citizen, a Public Service Hall operator, agency staff."""

    # პირადი ნომერი — personal number (11 digits); empty for staff-only accounts.
    personal_number = models.CharField(
        _("personal number"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[personal_number_validator],
    )
    first_name_ka = models.CharField(_("first name (Georgian)"), max_length=150, blank=True)
    last_name_ka = models.CharField(_("last name (Georgian)"), max_length=150, blank=True)
    # Confirmed contact details (by a code sent to each); `email` is AbstractUser's.
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    mobile_confirmed_at = models.DateTimeField(_("mobile confirmed at"), null=True, blank=True)
    # An operator-issued initial password: the person must set their own at first sign-in.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Who registered the account: the person with their ID card, or an operator.
    registered_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by operator"),
    )
    # For operators: the Public Service Hall they work in.
    service_hall = models.CharField(_("Public Service Hall"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.get_username()

    @property
    def exchange_user(self) -> str:
        """How this account is named in data-exchange messages (`OW-User`)."""
        if self.personal_number:
            return f"person:{self.personal_number}"
        # Staff without a personal number act as operators until the identity issue
        # gives accounts their roles (operator, agency staff).
        return f"operator:{self.pk}"


# --- Account additions are on Account above; the rest of the identity room below. -------


class TermsVersion(models.Model):
    """A version of the terms of use. A new published version must be accepted at the
    next sign-in before any service (see `steps.py`)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body_ka = models.TextField(_("text (Georgian)"))
    body_en = models.TextField(_("text (English)"))
    # What changed, in a sentence, shown above the text when a citizen must accept again.
    summary_ka = models.CharField(_("what changed (Georgian)"), max_length=500, blank=True)
    summary_en = models.CharField(_("what changed (English)"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("terms of use version")
        verbose_name_plural = _("terms of use versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class TermsAcceptance(AppendOnlyModel):
    """A person accepted a version of the terms of use (never changed or deleted)."""

    account = models.ForeignKey(
        Account, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    terms = models.ForeignKey(
        TermsVersion, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = AppendOnlyManager["TermsAcceptance"]()

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        ordering = ["-accepted_at", "-id"]
        indexes = [models.Index(fields=["account", "terms"])]


class SignInMethod(models.TextChoices):
    ID_CARD = "id-card", _("ID card")
    PASSWORD = "password", _("username, password and one-time code")
    # A password sign-in that still has to set a new password and enrol a second factor.
    INITIAL_PASSWORD = "initial-password", _("one-time initial password")


class PortalSession(models.Model):
    """A signed-in session, as the person sees it in their profile ("active sessions")
    and can end. `session_key` is the Django session's key, so ending it here deletes
    it from the session store."""

    class EndReason(models.TextChoices):
        SIGNED_OUT = "signed-out", _("signed out")
        IDLE = "idle", _("ended after inactivity")
        EXPIRED = "expired", _("reached the longest session time")
        ENDED_BY_PERSON = "ended-by-person", _("ended from another session")
        PASSWORD_RESET = "password-reset", _("ended when the password was reset")
        ENDED_BY_ADMIN = "ended-by-admin", _("ended by an administrator")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("session key"), max_length=64, unique=True)
    method = models.CharField(_("sign-in method"), max_length=20, choices=SignInMethod.choices)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last active at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.method} {self.created_at:%Y-%m-%d %H:%M}"


class SignInAttempt(AppendOnlyModel):
    """Login history: every sign-in attempt, successful or not. Attempts for an existing
    account are shown to that person; attempts on unknown usernames keep `account` empty."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("signed in")
        FAILURE = "failure", _("refused")
        LOCKED_OUT = "locked-out", _("locked out")

    account = models.ForeignKey(
        Account,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("sign-in method"), max_length=20, choices=SignInMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    # Why it was refused: a reason code (e.g. "wrong-password", "ocsp-revoked").
    reason = models.CharField(_("reason"), max_length=60, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = AppendOnlyManager["SignInAttempt"]()

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "at"])]


class ConfirmationCode(models.Model):
    """A code sent to an e-mail address or a mobile number to prove the person reads it.
    Only a hash of the code is kept; it expires and allows a few tries."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    # The address or number the code went to.
    destination = models.CharField(_("sent to"), max_length=254)
    # Whose: the session of a registration in progress, or an account changing contacts.
    session_key = models.CharField(_("session"), max_length=64, db_index=True)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation code")
        verbose_name_plural = _("confirmation codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.destination}"


class AuditEvent(AppendOnlyModel):
    """A security event in the append-only, hash-chained audit log (see `audit.py`).

    Each entry's `entry_hash` covers its own fields and the previous entry's hash, so a
    changed, removed or inserted entry breaks the chain at that point
    (`manage.py verify_audit` finds the first broken link)."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign-in", _("signed in")
        SIGN_IN_FAILED = "sign-in-failed", _("sign-in refused")
        LOCKED_OUT = "locked-out", _("locked out after failed sign-ins")
        SIGNED_OUT = "signed-out", _("signed out")
        SESSION_ENDED = "session-ended", _("session ended")
        REGISTERED = "registered", _("registered")
        OPERATOR_REGISTERED = "operator-registered", _("registered by an operator")
        OPERATOR_PASSWORD_RESET = "operator-password-reset", _("password reset by an operator")
        OPERATOR_LOOKUP = "operator-lookup", _("looked up by an operator")
        PASSWORD_CHANGED = "password-changed", _("password changed")
        SECOND_FACTOR_ENROLLED = "second-factor-enrolled", _("second factor set up")
        SECOND_FACTOR_REMOVED = "second-factor-removed", _("second factor removed")
        RECOVERY_CODE_USED = "recovery-code-used", _("recovery code used")
        RECOVERY_CODES_RENEWED = "recovery-codes-renewed", _("new recovery codes made")
        CONTACT_CHANGED = "contact-changed", _("contact details changed")
        TERMS_ACCEPTED = "terms-accepted", _("terms of use accepted")
        TERMS_PUBLISHED = "terms-published", _("new terms of use published")
        ROLE_CHANGED = "role-changed", _("roles changed")

    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    # Who did it: an account (the person, an operator, an administrator) or nobody.
    actor = models.ForeignKey(
        Account,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # How the actor is named at the time, e.g. "operator:17 Eka Lomidze (Tbilisi hall)".
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    # Whom it concerns: shown in that person's security history.
    subject = models.ForeignKey(
        Account,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # Details (JSON, no secrets): the method, the reason, the roles before and after ...
    data = models.JSONField(_("details"), default=dict)
    previous_hash = models.CharField(_("previous entry's hash"), max_length=64)
    entry_hash = models.CharField(_("this entry's hash"), max_length=64, unique=True)

    objects = AppendOnlyManager["AuditEvent"]()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["subject", "at"])]


class AuditHead(models.Model):
    """One row: the latest entry of the audit chain. Updating it first serialises writers,
    so two events never claim the same predecessor."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_id} {self.last_hash}"
