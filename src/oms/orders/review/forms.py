"""Console forms of review: rules, blacklist, and the inputs of the review actions."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oms.orders.review.models import BlacklistEntry, BlacklistKind, RejectReason, ReviewRule
from oms.orders.review.rules import KINDS


class ReviewRuleForm(forms.ModelForm):
    params = forms.CharField(
        label=_("parameters"),
        required=False,
        help_text=_("The check's parameters as JSON (the names listed below); empty for the defaults."),
    )

    class Meta:
        model = ReviewRule
        fields = [
            "code", "kind", "outcome", "params", "enabled", "position",
            "description", "description_zh_hans", "description_zh_hant",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["params"] = json.dumps(self.instance.params or {}, ensure_ascii=False)
            self.fields["code"].disabled = True

    def clean_params(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("params") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Enter valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter a JSON object."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, params = data.get("kind"), data.get("params") or {}
        if kind in KINDS:
            unknown = set(params) - set(KINDS[kind][1])
            if unknown:
                self.add_error(
                    "params",
                    _("This check takes only: %(names)s.") % {"names": ", ".join(KINDS[kind][1]) or "—"},
                )
        return data


class BlacklistForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=BlacklistKind.choices)
    value = forms.CharField(label=_("value"), max_length=300)
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("reason"), choices=RejectReason.choices)
    text = forms.CharField(label=_("explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)
    release_at = forms.DateTimeField(
        label=_("release automatically at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


for _form in (ReviewRuleForm, BlacklistForm, RejectForm, HoldForm):
    _init = _form.__init__

    def _styled_init(self: Any, *args: Any, __init: Any = _init, **kwargs: Any) -> None:
        __init(self, *args, **kwargs)
        _style(self)

    _form.__init__ = _styled_init  # type: ignore[method-assign]

__all__ = ["ReviewRuleForm", "BlacklistForm", "RejectForm", "HoldForm", "BlacklistEntry"]
