from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oms.channels.adapters.generic import COLUMNS
from oms.channels.models import Channel, ImportFormat, Platform
from oms.core.validators import INT_MAX

PLATFORMS = [(p.value, p.label) for p in Platform if p != Platform.API]


class ChannelForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=50, help_text=_("Letters, digits and dashes; used in the webhook URL.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    platform = forms.ChoiceField(label=_("Platform"), choices=PLATFORMS)
    shop = forms.CharField(label=_("Shop"), max_length=200, required=False)
    base_url = forms.URLField(
        assume_scheme="https",
        label=_("Shop or site URL"),
        required=False,
        help_text=_("For pulls: https://shop.myshopify.com or https://example.com"),
    )
    secret = forms.CharField(
        label=_("Webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Write-only: leave empty to keep the one stored."),
    )
    token = forms.CharField(
        label=_("API access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Shopify Admin API access token, or WooCommerce consumer_key:consumer_secret. Write-only."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, instance: Channel | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            self.fields["code"].disabled = True
            self.fields["platform"].disabled = True
            for name in ("code", "name", "platform", "shop", "base_url", "active"):
                self.fields[name].initial = getattr(instance, name)
            if instance.secret_encrypted:
                self.fields["secret"].help_text = _("A secret is stored. Leave empty to keep it.")
            if instance.token_encrypted:
                self.fields["token"].help_text = _("A token is stored. Leave empty to keep it.")
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                )
            else:
                field.widget.attrs.setdefault("class", "form-check-input")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.instance is None and Channel.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A channel with this code exists already."))
        return code


class ImportForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none())
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("Detect from the file"))] + list(ImportFormat.choices), required=False
    )
    file = forms.FileField(label=_("File"))
    file2 = forms.FileField(label=_("Second file (Taobao: the item report)"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.restrict(user).filter(active=True)  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name in ("channel", "format") else "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fmt = data.get("format")
        channel = data.get("channel")
        if not fmt and channel is not None:
            fmt = {"taobao": "taobao", "jd": "jd"}.get(channel.platform, "")
            data["format"] = fmt
        if fmt == ImportFormat.TAOBAO and not data.get("file2"):
            self.add_error("file2", _("A Taobao import needs the order report and the item report."))
        return data


class SkuMappingForm(forms.Form):
    platform_sku = forms.CharField(label=_("Platform SKU"), max_length=100)
    sku = forms.CharField(label=_("Our SKU"), max_length=100)
    quantity = forms.IntegerField(label=_("Units per platform unit"), min_value=1, max_value=INT_MAX, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class ColumnMappingForm(forms.Form):
    """One text box per canonical column: the header of that column in the operator's files."""

    def __init__(self, *args: Any, mapping: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for col in COLUMNS:
            self.fields[col.key] = forms.CharField(
                label=f"{col.label}{' *' if col.required else ''}",
                required=False,
                initial=(mapping or {}).get(col.key, ""),
                help_text=col.key,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "placeholder": col.key, "translate": "no"}
                ),
            )
