from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    ACCOUNT = "account", _("On account")
    PAY_LATER = "pay_later", _("Pay in 30 days")


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

    class Meta(AbstractOrder.Meta):
        indexes = [models.Index(fields=["company", "-date_placed"], name="order_company_recent")]


class Line(AbstractLine):
    """An order line keeps the price quote that produced its price: the rule
    that won, the reason the buyer saw, and the full breakdown."""

    price_rule = models.CharField(_("Price rule"), max_length=20, blank=True)
    price_reason = models.CharField(_("Price reason"), max_length=200, blank=True)
    price_quote = models.JSONField(_("Price quote"), default=dict, blank=True)


class IdempotencyKey(models.Model):
    """A client's retry key for a checkout: the same key returns the same order;
    the same key with a different request is refused."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=40, default="checkout")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
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
                fields=["scope", "user", "key"], name="idempotency_key_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


from oscar.apps.order.models import *  # noqa: E402, F403
