from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.accounts.models import LoginRecord


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


FAILED = "failed"


class LoginLogFilter(forms.Form):
    """Filters of the sign-in log; every field optional."""

    user = forms.CharField(label=_("User"), required=False)
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Any")), (FAILED, _("Any failure")), *LoginRecord.Result.choices],
    )
    ip = forms.CharField(label=_("IP address"), required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def apply(self, rows: QuerySet[LoginRecord]) -> QuerySet[LoginRecord]:
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["user"]:
            rows = rows.filter(username__icontains=data["user"].strip())
        if data["result"] == FAILED:
            rows = rows.exclude(result=LoginRecord.Result.SUCCESS)
        elif data["result"]:
            rows = rows.filter(result=data["result"])
        if data["ip"]:
            rows = rows.filter(ip__startswith=data["ip"].strip())
        if data["date_from"]:
            rows = rows.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(created_at__date__lte=data["date_to"])
        return rows


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=get_user_model().objects.none())
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("What the token is for, e.g. the ERP system.")
    )

    def __init__(self, *args: Any, editor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from oms.system.users import manageable_by

        # A token acts as its user: issue one only for someone the editor may administer.
        people = manageable_by(editor) if editor is not None else get_user_model().objects.all()
        self.fields["user"].queryset = people.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]
        self.fields["user"].widget.attrs["class"] = "form-select"
        self.fields["name"].widget.attrs["class"] = "form-control"
