"""Orders, approvals, invoices and payments as the API shows them."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commerce import sites
from commerce.billing.models import Invoice, Payment
from commerce.dealers.selectors import fulfilment_of_order
from commerce.order.models import PaymentMethod


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line, as an order edit names it.")
    sku = serializers.CharField(source="upc", allow_null=True)
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(
        source="unit_price_excl_tax", max_digits=12, decimal_places=2, allow_null=True
    )
    unit_price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    line_price_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    line_price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField(source="price_reason")
    rule = serializers.CharField(source="price_rule")
    status = serializers.CharField()


class InstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()


class StatusChangeSerializer(serializers.Serializer):
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    date = serializers.DateTimeField(source="date_created")


class StaffIdentitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    site = serializers.SerializerMethodField()
    company = serializers.IntegerField(source="company_id", allow_null=True)
    user = serializers.EmailField(source="user.email", allow_null=True, default=None)
    po_number = serializers.CharField()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    currency = serializers.CharField()
    total = serializers.DecimalField(source="total_incl_tax", max_digits=12, decimal_places=2)
    total_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(source="total_tax", max_digits=12, decimal_places=2)
    shipping_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_method = serializers.CharField()
    notes = serializers.CharField(source="buyer_notes")
    date_placed = serializers.DateTimeField()
    lines = OrderLineSerializer(many=True, source="lines.all")
    version = serializers.SerializerMethodField(
        help_text="Changes whenever the order does; send it back as expected_version to edit."
    )
    history = StatusChangeSerializer(many=True, source="status_changes.all")
    fulfilment = serializers.SerializerMethodField()
    instalments = serializers.SerializerMethodField(
        help_text="The schedule of an order paid in instalments (empty otherwise)."
    )
    placed_on_behalf_by = serializers.SerializerMethodField(
        help_text="The staff member who placed the order on the buyer's behalf (null otherwise)."
    )

    @extend_schema_field(StaffIdentitySerializer(allow_null=True))
    def get_placed_on_behalf_by(self, order) -> dict | None:
        staff = order.placed_by_staff
        return StaffIdentitySerializer(staff).data if staff is not None else None

    @extend_schema_field(InstalmentSerializer(many=True))
    def get_instalments(self, order) -> list:
        if order.payment_method != PaymentMethod.INSTALMENTS:
            return []
        plan = getattr(order, "instalment_plan", None)
        if plan is None:
            return []
        return InstalmentSerializer(plan.instalments.all(), many=True).data

    def get_version(self, order) -> str:
        from commerce.orderedit.selectors import order_version

        return order_version(order)

    @extend_schema_field(serializers.DictField())
    def get_fulfilment(self, order) -> dict:
        return fulfilment_of_order(order)

    @extend_schema_field(serializers.ChoiceField(choices=[sites.STOREFRONT, sites.PORTAL]))
    def get_site(self, order) -> str:
        return sites.PORTAL if order.site_id == settings.PORTAL_SITE_ID else sites.STOREFRONT


class DecisionSerializer(serializers.Serializer):
    approver = serializers.EmailField(source="approver.email")
    decision = serializers.CharField()
    comment = serializers.CharField()
    date = serializers.DateTimeField(source="created_at")


class ApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.CharField(source="order.number")
    order_total = serializers.DecimalField(
        source="order.total_excl_tax", max_digits=12, decimal_places=2
    )
    status = serializers.CharField()
    rules = serializers.JSONField(source="reasons", help_text="The rules the order matched.")
    requested_by = serializers.EmailField(source="requested_by.email")
    approvals_required = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decisions = DecisionSerializer(many=True, source="decisions.all")


class DecideSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class InvoiceLineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="item, or delivery")
    sku = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_net = serializers.DecimalField(max_digits=12, decimal_places=2)
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=4, source="rate")


class VatRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    percent = serializers.CharField()
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2)


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    issued = serializers.DateField(source="issued_on")
    due = serializers.DateField(source="due_on")
    currency = serializers.CharField()
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid = serializers.DecimalField(source="amount_paid", max_digits=12, decimal_places=2)
    credited = serializers.DecimalField(source="amount_credited", max_digits=12, decimal_places=2)
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.SerializerMethodField(
        help_text="Where the invoice stands today, the word the portal pages use: open or "
        "overdue while a balance is left (overdue once past its due date), paid when "
        "settled, void when credit notes cancelled all of it."
    )
    days_overdue = serializers.SerializerMethodField(
        help_text="Days past the due date with a balance left; 0 unless overdue."
    )

    def _today(self):
        # One date for the whole response, so status and days_overdue agree.
        return self.context.setdefault("today", timezone.localdate())

    @extend_schema_field(serializers.ChoiceField(choices=Invoice.State.choices))
    def get_status(self, invoice) -> str:
        return str(invoice.state(self._today()))

    def get_days_overdue(self, invoice) -> int:
        return invoice.days_overdue(self._today())


class InvoiceDetailSerializer(InvoiceSerializer):
    """An invoice: its lines (items and delivery) add up to ``net``, its VAT
    breakdown to ``tax``, and ``net + tax = total``."""

    lines = InvoiceLineSerializer(many=True, source="lines.all")
    vat_breakdown = VatRateSerializer(many=True)
    seller = serializers.DictField(child=serializers.CharField())
    payment_instructions = serializers.DictField(child=serializers.CharField())


class PaymentCreateSerializer(serializers.Serializer):
    account = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The credit account's id."
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3, default=settings.OSCAR_DEFAULT_CURRENCY)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)
    method = serializers.ChoiceField(choices=Payment.Method.choices, default="bank_transfer")
    allocations = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2),
        required=False,
        help_text="Invoice number -> amount; oldest due first when omitted.",
    )


class AllocationSerializer(serializers.Serializer):
    invoice = serializers.CharField(source="invoice.number")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.IntegerField(source="account_id")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    received_on = serializers.DateField()
    reference = serializers.CharField()
    method = serializers.CharField()
    allocations = AllocationSerializer(many=True, source="allocations.all")


class OrderEditLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=0, max_value=10_000, help_text="0 removes it.")


class OrderEditAddSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class OrderEditSerializer(serializers.Serializer):
    lines = OrderEditLineSerializer(many=True, required=False, max_length=500)
    add = OrderEditAddSerializer(many=True, required=False, max_length=100)
    shipping_address = serializers.IntegerField(
        required=False, min_value=1, help_text="A ship-to of the company (its id)."
    )
    expected_version = serializers.CharField(
        required=False, max_length=64, help_text="The order's version when you read it."
    )
    expected_total = serializers.DecimalField(
        required=False, max_digits=12, decimal_places=2, help_text="The edited order's total."
    )
    card_token = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_lines(self, value):
        ids = [item["id"] for item in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each line once.")
        return value
