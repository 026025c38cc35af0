"""Console forms: correcting an order, entering one by hand, classification rules, saved views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oms.core import validators
from oms.orders.choices import OrderType, PaymentStatus
from oms.orders.models import ClassificationRule


def _bootstrap(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
        if isinstance(f.widget, forms.CheckboxInput):
            css = "form-check-input"
        f.widget.attrs.setdefault("class", css + (" form-control-sm" if css == "form-control" else ""))


class LineForm(forms.Form):
    platform_sku = forms.CharField(label=_("Platform SKU"), max_length=100, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=100, required=False)
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    spec = forms.CharField(label=_("Specification"), max_length=300, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=0, max_value=validators.INT_MAX)
    unit_price = forms.DecimalField(label=_("Unit price"), required=False, max_digits=14, decimal_places=2)
    line_total = forms.DecimalField(label=_("Line total"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quantity, unit = data.get("quantity"), data.get("unit_price")
        # Without a line total it is quantity × unit price, which must fit the column too.
        computed = quantity * unit if data.get("line_total") is None and quantity and unit is not None else None
        if computed is not None and not validators.decimal_fits(computed):
            self.add_error(
                "quantity",
                _("Quantity × unit price is more than can be stored (at most %(max)s).")
                % {"max": validators.largest_decimal()},
            )
        return data


LineFormSet = forms.formset_factory(LineForm, extra=1, can_delete=True)


class CorrectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    customer_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    customer_email = forms.EmailField(label=_("Email"), required=False)
    customer_id_card = forms.CharField(label=_("ID card number"), max_length=30, required=False)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    address_detail = forms.CharField(label=_("Street address"), max_length=500, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    order_type = forms.ChoiceField(label=_("Order type"), choices=OrderType.choices)
    goods_amount = forms.DecimalField(label=_("Goods amount"), max_digits=14, decimal_places=2)
    shipping_amount = forms.DecimalField(label=_("Shipping fee"), max_digits=14, decimal_places=2)
    discount_amount = forms.DecimalField(label=_("Discount"), max_digits=14, decimal_places=2)
    tax_amount = forms.DecimalField(label=_("Tax"), max_digits=14, decimal_places=2)
    taxes_included = forms.BooleanField(
        label=_("Prices include tax"),
        required=False,
        help_text=_("Untick when the tax comes on top: total = goods + shipping − discount + tax."),
    )
    total_amount = forms.DecimalField(label=_("Total"), max_digits=14, decimal_places=2)
    paid_amount = forms.DecimalField(label=_("Paid"), max_digits=14, decimal_places=2)
    payment_method = forms.CharField(label=_("Payment method"), max_length=50, required=False)
    buyer_note = forms.CharField(label=_("Buyer note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seller_note = forms.CharField(label=_("Seller note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(
        label=_("Why (kept in the timeline)"), max_length=500, required=False, widget=forms.TextInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ManualOrderForm(forms.Form):
    channel: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Channel"), queryset=None)  # type: ignore[arg-type]
    external_number = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("The customer's or shop's reference, if any.")
    )
    order_type = forms.ChoiceField(label=_("Order type"), choices=OrderType.choices, initial=OrderType.NORMAL)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_phone = forms.CharField(label=_("Phone"), max_length=40)
    customer_email = forms.EmailField(label=_("Email"), required=False)
    customer_id_card = forms.CharField(label=_("ID card number"), max_length=30, required=False)
    address_text = forms.CharField(
        label=_("Address in one line"),
        max_length=500,
        required=False,
        help_text=_("Type or paste the whole address; province, city and district are filled in for you."),
    )
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    address_detail = forms.CharField(label=_("Street address"), max_length=500, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    shipping_amount = forms.DecimalField(label=_("Shipping fee"), initial=Decimal("0"), max_digits=14, decimal_places=2)
    discount_amount = forms.DecimalField(label=_("Discount"), initial=Decimal("0"), max_digits=14, decimal_places=2)
    paid_amount = forms.DecimalField(label=_("Paid"), initial=Decimal("0"), max_digits=14, decimal_places=2)
    payment_method = forms.CharField(label=_("Payment method"), max_length=50, required=False)
    payment_status = forms.ChoiceField(label=_("Payment status"), choices=PaymentStatus.choices)
    buyer_note = forms.CharField(label=_("Buyer note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seller_note = forms.CharField(label=_("Seller note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, channels: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        _bootstrap(self)


class ClassificationRuleForm(forms.ModelForm):
    class Meta:
        model = ClassificationRule
        fields = ["name", "field", "operator", "value", "label", "position", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") == "amount" and data.get("operator") not in ("in", "contains"):
            values = (
                str(data.get("value") or "").split(",") if data.get("operator") == "between" else [data.get("value")]
            )
            try:
                [Decimal(str(v).strip()) for v in values]
            except Exception as exc:  # noqa: BLE001 - any parse failure is the same message
                raise forms.ValidationError(_("An amount rule needs a number (between: low,high).")) from exc
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
