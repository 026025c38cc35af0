from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core.validators import INT_MAX
from oms.inventory.models import Location, Product, Warehouse
from oms.system import params


class Bootstrap:
    """Bootstrap classes on every widget (the console renders fields with web/form_fields.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class UserWarehouses:
    """Warehouse choices limited to the user's data scope (`user=` keyword; without it: all)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None:
            return
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Warehouse:
                field.queryset = field.queryset.restrict(user)


class ProductField(forms.CharField):
    """A SKU typed by the operator, resolved to the product."""

    def clean(self, value):
        sku = super().clean(value).strip()
        product = (
            Product.objects.filter(sku=sku).first() or Product.objects.filter(barcode=sku).exclude(barcode="").first()
        )
        if product is None:
            raise forms.ValidationError(_("No product with SKU or barcode %(sku)s.") % {"sku": sku})
        return product


class ReceiveForm(Bootstrap, forms.Form):
    sku = ProductField(label=_("SKU or barcode"), max_length=100)
    warehouse = forms.ModelChoiceField(Warehouse.objects.filter(active=True), label=_("Warehouse"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    reason = forms.CharField(label=_("Reference / note"), max_length=300, required=False)
    location = forms.CharField(label=_("Location (bin)"), max_length=50, required=False)
    signed = False  # an adjustment may be negative

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the largest receipt or adjustment is a runtime parameter; the action checks it too
        largest = int(params.get("inventory.max_stock_change"))
        field = self.fields["quantity"]
        field.max_value = largest
        field.validators.append(MaxValueValidator(largest))
        field.widget.attrs["max"] = largest
        if self.signed:
            field.min_value = -largest
            field.validators.append(MinValueValidator(-largest))
            field.widget.attrs["min"] = -largest
        if user is not None:
            self.fields["warehouse"].queryset = Warehouse.objects.restrict(user).filter(active=True)

    def clean(self):
        data = super().clean()
        code = (data.get("location") or "").strip()
        data["location_obj"] = None
        if code and data.get("warehouse"):
            loc = Location.objects.filter(warehouse=data["warehouse"], code=code).first()
            if loc is None:
                self.add_error("location", _("No location %(code)s in this warehouse.") % {"code": code})
            data["location_obj"] = loc
        return data


class AdjustForm(ReceiveForm):
    quantity = forms.IntegerField(label=_("Change (+/-)"), help_text=_("Negative takes stock out."))
    signed = True
    reason = forms.CharField(label=_("Reason"), max_length=300)
    location = None  # type: ignore[assignment]  # adjustments change the warehouse balance, not a bin


class ThresholdForm(UserWarehouses, Bootstrap, forms.Form):
    sku = ProductField(label=_("SKU"), max_length=100)
    warehouse = forms.ModelChoiceField(Warehouse.objects.all(), label=_("Warehouse"))
    minimum = forms.IntegerField(label=_("Low-stock threshold"), min_value=0, max_value=INT_MAX)
    target = forms.IntegerField(label=_("Target level"), min_value=0, max_value=INT_MAX, required=False)


class LaneForm(UserWarehouses, Bootstrap, forms.Form):
    source = forms.ModelChoiceField(Warehouse.objects.filter(active=True), label=pgettext_lazy("warehouse", "From"))
    destination = forms.ModelChoiceField(Warehouse.objects.filter(active=True), label=pgettext_lazy("warehouse", "To"))
    unit_cost = forms.DecimalField(label=_("Cost per unit"), min_value=0, max_digits=10, decimal_places=2)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("destination"):
            raise forms.ValidationError(_("From and to must be different warehouses."))
        return data


class TransferLineForm(UserWarehouses, Bootstrap, forms.Form):
    sku = ProductField(label=_("SKU"), max_length=100)
    source = forms.ModelChoiceField(Warehouse.objects.filter(active=True), label=pgettext_lazy("warehouse", "From"))
    destination = forms.ModelChoiceField(Warehouse.objects.filter(active=True), label=pgettext_lazy("warehouse", "To"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=INT_MAX)


class UploadForm(Bootstrap, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class ProvincesField(forms.CharField):
    """Provinces typed as a comma- or line-separated list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def clean(self, value):
        text = super().clean(value) or ""
        return [
            p.strip() for p in text.replace("，", ",").replace("、", ",").replace("\n", ",").split(",") if p.strip()
        ]


class WarehouseForm(Bootstrap, forms.ModelForm):
    covered_provinces = ProvincesField(
        label=_("Provinces delivered to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Comma-separated, e.g. 上海, 江苏, 浙江. Empty means every province."),
    )

    class Meta:
        model = Warehouse
        fields = ["code", "name", "province", "city", "district", "address", "priority", "covered_provinces", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"


class LocationForm(Bootstrap, forms.Form):
    code = forms.CharField(label=_("Bin code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"


class LaneEditForm(LaneForm):
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"
        # An existing lane may name a warehouse that has since been deactivated.
        for name in ("source", "destination"):
            self.fields[name].queryset = (
                Warehouse.objects.restrict(user) if user is not None else Warehouse.objects.all()
            )


class ShippingCostForm(UserWarehouses, Bootstrap, forms.Form):
    warehouse = forms.ModelChoiceField(Warehouse.objects.all(), label=_("Warehouse"))
    province = forms.CharField(label=_("Destination province"), max_length=50)
    base = forms.DecimalField(label=_("First parcel cost"), min_value=0, max_digits=10, decimal_places=2)
    per_kg = forms.DecimalField(label=_("Per kg"), min_value=0, max_digits=10, decimal_places=2, initial=0)


class KitComponentForm(Bootstrap, forms.Form):
    component = ProductField(label=_("Component SKU"), max_length=100)
    quantity = forms.IntegerField(
        label=_("Quantity per kit"), min_value=0, max_value=10_000, help_text=_("0 removes it.")
    )
