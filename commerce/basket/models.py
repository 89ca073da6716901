from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.partner import availability
from oscar.core.loading import get_model
from oscar.core.utils import get_default_currency
from oscar.templatetags.currency_filters import currency


class Basket(AbstractBasket):
    """A basket belongs to one site and, on the portal, to one company.

    A person keeps a personal basket on the storefront and one basket per
    company on the portal; the basket middleware only ever loads the one that
    matches the request's site and active company, so they never mix.
    """

    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="baskets",
    )
    # Voucher codes the buyer applied (``commerce.basket.vouchers``); the
    # pricing engine prices this basket's lines with them.
    voucher_codes = models.JSONField(default=list, blank=True)

    # Pages show the lines' images; placing an order sets this to False.
    prefetch_images = True

    def all_lines(self):
        """Oscar's cached lines, with what pricing needs loaded for all lines at
        once: a basket of 50 lines costs the same queries as one of 1."""
        if self.id is None:
            return super().all_lines()
        if self._lines is None:
            StockRecord = get_model("partner", "StockRecord")
            prefetch = [
                "attributes",
                Prefetch("product__stockrecords", queryset=StockRecord.objects.order_by("pk")),
            ]
            if self.prefetch_images:
                prefetch.append("product__images")
            self._lines = (
                self.lines.select_related(
                    "product",
                    "product__product_class",
                    "product__parent",
                    "stockrecord",
                    "stockrecord__partner",
                )
                .prefetch_related(*prefetch)
                .order_by(self._meta.pk.name)
            )
            strategy = getattr(self, "_strategy", None)
            if hasattr(strategy, "prefetch"):
                strategy.prefetch([line.product for line in self._lines])
        return self._lines

    @property
    def channel(self) -> str:
        from commerce import sites

        return sites.channel_of_site_id(self.site_id)

    def applied_vouchers(self) -> list[dict]:
        """The voucher codes on the basket with what each saves, as this site shows amounts."""
        codes = list(self.voucher_codes or [])
        if not codes:
            return []
        Promotion = get_model("partner", "Promotion")
        promotions = {p.code: p for p in Promotion.objects.filter(code__in=codes)}
        saved: dict[str, object] = {}
        for line in self.all_lines() if self.id else []:
            quote = getattr(line.purchase_info.price, "quote", None)
            if quote is None or not quote.promotion_code or quote.undiscounted_net is None:
                continue
            saving = (quote.undiscounted_display - quote.unit_display) * line.quantity
            saved[quote.promotion_code] = saved.get(quote.promotion_code, 0) + saving
        return [
            {
                "code": code,
                "promotion": promotions.get(code),
                "saving": saved.get(code, 0),
            }
            for code in codes
        ]

    def is_quantity_allowed(self, qty, line=None):
        """Can ``line`` change by ``qty``?

        Oscar asks the availability policy about the change (a delta) and then
        about the product's new total; quantity rules (minimum, case pack,
        maximum) are only meaningful for the total, so ask about that alone.
        """
        if line is None:
            return super().is_quantity_allowed(qty)
        total = self.basket_quantity(line) + qty
        permitted, reason = line.purchase_info.availability.is_purchase_permitted(total)
        if not permitted:
            return False, reason
        return super().is_quantity_allowed(qty)


class Line(AbstractLine):
    def get_warning(self):
        """Oscar's warning, with prices as this basket's site shows them (net on
        the portal) and no warning for a voucher's discount the buyer asked for."""
        from commerce import sites

        info = self.purchase_info
        price = info.price
        if not getattr(price, "exists", False) or self.price_excl_tax is None:
            return super().get_warning()
        if isinstance(info.availability, availability.Unavailable):
            return super().get_warning()
        site = sites.get_site(sites.channel_of_site_id(self.basket.site_id))
        then = self.price_incl_tax if site.prices_include_tax else self.price_excl_tax
        quote = getattr(price, "quote", None)
        now = site.shown(price)
        if quote is not None and quote.promotion_code and quote.undiscounted_net is not None:
            if then == quote.undiscounted_display:
                return None
        if then is None or now == then:
            return None
        values = {
            "product": self.product.get_title(),
            "old_price": currency(then, self.price_currency or get_default_currency()),
            "new_price": currency(now, self.price_currency or get_default_currency()),
            "tax": site.tax_label,
        }
        if now > then:
            return (
                _(
                    "The price of '%(product)s' has increased from %(old_price)s to "
                    "%(new_price)s (%(tax)s) since you added it to your basket"
                )
                % values
            )
        return (
            _(
                "The price of '%(product)s' has decreased from %(old_price)s to "
                "%(new_price)s (%(tax)s) since you added it to your basket"
            )
            % values
        )


class BasketShare(models.Model):
    """A storefront basket its owner asked someone else to pay for.

    The basket is frozen while shared (its owner shops on with a new one). The
    link emailed to the payer is signed and expires; it opens the basket only
    for the named payer: once they signed in with that address (``payer``) or
    confirmed it with an emailed code (the session holding ``binding_hash``'s
    secret), nobody else can use it. It is paid once, into an order that
    belongs to the requester and records the payer.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the payer")
        PAID = "paid", _("Paid")
        DECLINED = "declined", _("Declined by the payer")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    basket = models.ForeignKey("basket.Basket", on_delete=models.CASCADE, related_name="shares")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="basket_shares"
    )
    payer_email = models.EmailField()
    message = models.CharField(max_length=500, blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    # Binding to the payer
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="basket_shares_to_pay",
    )
    binding_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    # What the payer changed, and the outcome
    changes = models.JSONField(default=list, blank=True)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="share"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["basket"], condition=Q(status="open"), name="one_open_share_per_basket"
            )
        ]

    def __str__(self) -> str:
        return f"Basket {self.basket_id} shared with {self.payer_email}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_bound(self) -> bool:
        return self.confirmed_at is not None


from oscar.apps.basket.models import *  # noqa: E402, F403
