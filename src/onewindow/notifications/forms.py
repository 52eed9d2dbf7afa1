"""The preferences form: e-mail and/or SMS besides the inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.identity.models import Account


class ChannelsForm(forms.Form):
    email = forms.BooleanField(label=_("By e-mail"), required=False)
    sms = forms.BooleanField(label=_("By SMS"), required=False)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_email(self) -> bool:
        wanted = bool(self.cleaned_data.get("email"))
        if wanted and not (self.account.email and self.account.email_confirmed_at):
            raise forms.ValidationError(
                _("You need a confirmed e-mail address to get notices by e-mail"),
                code="no-email",
            )
        return wanted

    def clean_sms(self) -> bool:
        wanted = bool(self.cleaned_data.get("sms"))
        if wanted and not (self.account.mobile and self.account.mobile_confirmed_at):
            raise forms.ValidationError(
                _("You need a confirmed mobile number to get notices by SMS"), code="no-mobile"
            )
        return wanted
