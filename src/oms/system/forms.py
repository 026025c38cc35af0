"""Console forms of the settings area."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from oms.core import crypto
from oms.core.roles import role_label
from oms.system import params
from oms.system.actions import validate_parameters


def field_name(key: str) -> str:
    return key.replace(".", "__")


def _display(param: params.Param, value: Any) -> Any:
    if param.type == "json":
        return json.dumps(value, indent=2, ensure_ascii=False)
    if param.type == "list":
        return "\n".join(str(v) for v in value or [])
    return value


class ParameterForm(forms.Form):
    """The parameters of one group, one typed field each; Param.clean gives the messages."""

    def __init__(self, *args: Any, group: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        params.load_declarations()
        self.group = group
        self.params = [p for p in params.REGISTRY.values() if p.group == group]
        for p in self.params:
            self.fields[field_name(p.key)] = self._field(p)

    def _field(self, p: params.Param) -> forms.Field:
        common: dict[str, Any] = {"label": p.label, "help_text": p.help, "required": False}
        css = {"class": "form-control"}
        current = params.get(p.key)
        if p.type == "bool":
            return forms.BooleanField(
                initial=bool(current), widget=forms.CheckboxInput(attrs={"class": "form-check-input"}), **common
            )
        if p.type == "choice":
            return forms.ChoiceField(
                choices=list(p.choices), initial=current, widget=forms.Select(attrs={"class": "form-select"}), **common
            )
        if p.type == "secret":
            common["help_text"] = p.help or _("Leave empty to keep the current value.")
            if crypto.key_state(current or "") == crypto.UNDECRYPTABLE:
                common["help_text"] = crypto.SecretUndecryptable.message
            field = forms.CharField(widget=forms.PasswordInput(attrs=css, render_value=False), **common)
            field.is_set = bool(current)  # type: ignore[attr-defined]
            return field
        if p.type in ("text", "json", "list"):
            # A JSON value is code (keys and codes the legend explains), not words to translate.
            attrs = css | {"rows": 4} | ({"translate": "no"} if p.type == "json" else {})
            field = forms.CharField(
                initial=_display(p, current), widget=forms.Textarea(attrs=attrs), strip=False, **common
            )
            field.legend = [(code, str(word)) for code, word in p.legend()] if p.legend else []  # type: ignore[attr-defined]
            return field
        if p.type in ("int", "decimal"):
            # No min/max attributes: the server's message appears next to the field, in the user's language.
            return forms.CharField(
                initial=current, widget=forms.TextInput(attrs=css | {"inputmode": "decimal"}), **common
            )
        return forms.CharField(initial=current, widget=forms.TextInput(attrs=css), **common)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {p.key: data.get(field_name(p.key)) for p in self.params}
        try:
            self.values = validate_parameters(values)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(field_name(key), messages)
        self.raw_values = values
        return data


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Group.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    channels: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Limit to channels"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    warehouses: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Limit to warehouses"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every warehouse."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at first sign-in."),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from oms.channels.models import Channel
        from oms.inventory.models import Warehouse

        fields: Any = self.fields
        fields["channels"].queryset = Channel.objects.restrict(user).order_by("code")
        fields["warehouses"].queryset = Warehouse.objects.restrict(user).order_by("code")
        fields["groups"].label_from_instance = lambda g: role_label(g.name)
        if editing:
            del self.fields["password"]
            fields["username"].disabled = True
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-control")
            else:
                field.widget.attrs.setdefault("class", "form-check-input")
            field.widget.attrs.setdefault("data-field", name)


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"}))
    copy_from = forms.ModelChoiceField(
        label=_("Copy permissions from"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].label_from_instance = lambda g: role_label(g.name)  # type: ignore[attr-defined]
