"""The "Edit order" form both doors show (the order desk and the portal): one
quantity per line, one product to add by SKU, the delivery address among
the buyer's, and the version the editor saw. It only parses: ``order_edit``
decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from accounts.models import CompanyAddress
from commerce.orderedit.plan import MAX_QUANTITY, OrderChanges

Product = get_model("catalogue", "Product")
UserAddress = get_model("address", "UserAddress")


def address_choices(order) -> list[tuple[int, str]]:
    """Where the edited order may go: the company's ship-tos, or the consumer's
    own address book."""
    if order.company_id:
        addresses = CompanyAddress.objects.filter(
            company_id=order.company_id, kind=CompanyAddress.Kind.SHIP_TO, is_active=True
        ).order_by("pk")
        return [(a.pk, f"{a.label} — {a.summary}" if a.label else a.summary) for a in addresses]
    if order.user_id is None:
        return []
    return [(a.pk, a.summary) for a in UserAddress.objects.filter(user_id=order.user_id)]


class OrderEditForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    add_sku = forms.CharField(required=False, max_length=128, label=_("Add a product (SKU)"))
    add_quantity = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_QUANTITY, label=_("Quantity")
    )
    shipping_address = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Deliver to")
    )
    card_token = forms.CharField(
        required=False,
        max_length=200,
        label=_("Card token"),
        help_text=_("Only needed when the new total is more than the card hold."),
    )

    def __init__(self, *args, order, lines, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        self.fields["version"].initial = version
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=line.quantity,
                label=f"{line.title} ({line.upc or line.partner_sku})",
                help_text=_("0 removes the line."),
            )
        self.fields["shipping_address"].choices = [("", _("Unchanged")), *address_choices(order)]

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.lines]

    def clean(self):
        data = super().clean()
        sku = (data.get("add_sku") or "").strip()
        if sku and not data.get("add_quantity"):
            self.add_error("add_quantity", _("How many?"))
        data["add_product"] = None
        if sku:
            product = Product.objects.filter(upc=sku).values_list("pk", flat=True).first()
            if product is None:
                self.add_error("add_sku", _("No product with this SKU."))
            data["add_product"] = product
        return data

    def changes(self) -> OrderChanges:
        data = self.cleaned_data
        quantities = {
            line.pk: data[f"line_{line.pk}"]
            for line in self.lines
            if data.get(f"line_{line.pk}") is not None and data[f"line_{line.pk}"] != line.quantity
        }
        additions = ()
        if data.get("add_product"):
            additions = ((data["add_product"], data["add_quantity"]),)
        return OrderChanges(
            quantities=quantities,
            additions=additions,
            shipping_address_id=data.get("shipping_address"),
            card_token=(data.get("card_token") or "").strip(),
        )
