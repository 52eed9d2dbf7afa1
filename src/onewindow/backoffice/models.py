"""Agency staff: who works in which agency's back-office, and as what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import Agency

# identity.roles.Role.AGENCY_STAFF (not imported: identity's roles module loads its models)
AGENCY_STAFF_ROLE = "agency-staff"


class StaffMembershipQuerySet(models.QuerySet["StaffMembership"]):
    def working(self) -> StaffMembershipQuerySet:
        """Memberships that still count: active, of an active account that still has the
        agency-staff role. Who may open cases, be assigned them, or receive escalations."""
        return self.filter(
            is_active=True, account__is_active=True, account__groups__name=AGENCY_STAFF_ROLE
        )


class StaffMembership(models.Model):
    """An account works in an agency's back-office as a clerk or a supervisor. The
    account also has the `agency-staff` role (identity.roles)."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        SUPERVISOR = "supervisor", _("supervisor")
        # The head of the agency: receives citizens' escalations of overdue cases.
        HEAD = "head", _("head of the agency")

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = StaffMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["account", "agency"], name="one_membership_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.agency_id} {self.role}"
