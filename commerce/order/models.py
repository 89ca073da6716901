from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    ACCOUNT = "account", _("On account")
    PAY_LATER = "pay_later", _("Pay in 30 days")
    INSTALMENTS = "instalments", _("Monthly instalments")


class Order(AbstractOrder):
    """One order pipeline for both sites: the order knows its site (Oscar's
    ``site``), its company (portal), PO number and how it is paid."""

    company = models.ForeignKey(
        "accounts.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    po_number = models.CharField(_("PO number"), max_length=64, blank=True, db_index=True)
    payment_method = models.CharField(
        max_length=12, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    requested_delivery_date = models.DateField(null=True, blank=True)
    buyer_notes = models.TextField(_("Buyer notes"), blank=True)
    # A shared basket paid by someone else: the order is the requester's
    # (``user``); these record who paid.
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders_paid_for",
        help_text=_("The payer's account, when they were signed in."),
    )
    payer_email = models.EmailField(_("Paid by"), blank=True)
    # A sales rep who placed the order on the buyer's behalf (``user``), in an
    # assisted session of the portal.
    placed_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_placed_on_behalf",
        help_text=_("The staff member who placed it on the buyer's behalf."),
    )

    class Meta(AbstractOrder.Meta):
        indexes = [models.Index(fields=["company", "-date_placed"], name="order_company_recent")]


class Line(AbstractLine):
    """An order line keeps the price quote that produced its price: the rule
    that won, the reason the buyer saw, and the full breakdown."""

    price_rule = models.CharField(_("Price rule"), max_length=20, blank=True)
    price_reason = models.CharField(_("Price reason"), max_length=200, blank=True)
    price_quote = models.JSONField(_("Price quote"), default=dict, blank=True)


class LineAllocation(models.Model):
    """Units of an order line held in one warehouse (stock record). A line may
    be served by several; ``quantity`` is what is still held (not yet shipped
    or released)."""

    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="allocations")
    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="line_allocations"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.line_id} from stock record {self.stockrecord_id}"


class IdempotencyKey(models.Model):
    """A client's retry key for a checkout (pages and API alike): the same key
    returns the same order; the same key with a different request is refused.

    A key belongs to a scope: the signed-in user on one site for one company
    (or none), or a guest's basket. The same key in another scope is another
    checkout."""

    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=40, default="checkout")
    site = models.CharField(max_length=20, default="storefront")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "site", "user", "company", "key"],
                condition=models.Q(user__isnull=False, company__isnull=False),
                name="idempotency_key_unique_per_company_member",
            ),
            models.UniqueConstraint(
                fields=["scope", "site", "user", "key"],
                condition=models.Q(user__isnull=False, company__isnull=True),
                name="idempotency_key_unique_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


from oscar.apps.order.models import *  # noqa: E402, F403
