"""The portal's accounts. A citizen's account carries their personal number."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
