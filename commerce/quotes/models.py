from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class Quote(models.Model):
    """A company's request for quote and the negotiation that follows it.

    requested -> offered (staff prices every line, with a validity date)
    offered -> requested (the buyer counters) | accepted | declined | expired
    accepted -> ordered (placed through the one checkout at the quoted prices)
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        ORDERED = "ordered", _("Ordered")

    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="quotes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quotes_requested"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    message = models.TextField(blank=True)
    requested_date = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=12, default=settings.OSCAR_DEFAULT_CURRENCY)
    # The basket the accepted quote is ordered from (its lines at the quoted prices).
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="quote"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.number or f"Quote #{self.pk}"

    @property
    def is_past_validity(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def shown_status(self) -> str:
        """The status, with an offer (or acceptance) past its validity shown as expired."""
        if self.status in (self.Status.OFFERED, self.Status.ACCEPTED) and self.is_past_validity:
            return self.Status.EXPIRED
        return self.status


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    target_price = models.DecimalField(**MONEY, null=True, blank=True)
    offered_price = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "product"], name="quotes_one_line_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class QuoteEvent(models.Model):
    """The negotiation thread and audit trail: who did what, when, with which message."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        OFFERED = "offered", _("Offered")
        COUNTERED = "countered", _("Counter-offer")
        MESSAGE = "message", _("Message")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        ORDERED = "ordered", _("Ordered")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    # Prices and quantities at this step, by line id.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.kind}"
