"""Products with the caller's price, and basket lines."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commerce.dealers.selectors import fulfilment_of_products
from commerce.instalments.services import eligible_product_ids
from commerce.shipping.estimate import estimate_for_stock, lead_times_of

MONEY = serializers.DecimalField(max_digits=12, decimal_places=2)
MONEY_OR_NULL = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class BreakSerializer(serializers.Serializer):
    min_quantity = serializers.IntegerField()
    unit = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField()


class PriceSerializer(serializers.Serializer):
    """The caller's quote for one unit (the engine's ``Quote``)."""

    unit = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="As the site shows it (see incl_tax)."
    )
    unit_net = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Tax per unit.")
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    currency = serializers.CharField()
    incl_tax = serializers.BooleanField(help_text="Whether ``unit`` includes tax.")
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    rule = serializers.CharField(help_text="contract, tier, loyalty or list.")
    reason = serializers.CharField()
    breaks = BreakSerializer(many=True)


def price_data(quote) -> dict | None:
    if quote is None or not quote.exists:
        return None
    return PriceSerializer(_price_fields(quote)).data


def _price_fields(quote) -> dict:
    return {
        "unit": quote.unit_display,
        "unit_net": quote.unit_net,
        "tax": quote.unit_tax,
        "tax_rate": quote.tax_rate,
        "currency": quote.currency,
        "incl_tax": quote.prices_include_tax,
        "list_price": quote.list_price,
        "rule": quote.rule,
        "reason": quote.reason,
        "breaks": [
            {"min_quantity": b.min_quantity, "unit": b.unit_display, "reason": b.reason}
            for b in quote.breaks
        ],
    }


class DeliveryEstimateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="in_stock, lead_time, back_in_stock or unknown")
    dispatch_date = serializers.DateField(allow_null=True)


class ProductSerializer(serializers.Serializer):
    """A product as the caller sees it. The view prices the whole page first
    (``strategy.prefetch``) and passes the strategy in the context."""

    id = serializers.IntegerField()
    sku = serializers.CharField(source="upc", allow_null=True)
    title = serializers.CharField(source="get_title")
    description = serializers.CharField()
    price = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    num_available = serializers.SerializerMethodField()
    min_quantity = serializers.SerializerMethodField()
    multiple = serializers.SerializerMethodField()
    max_quantity = serializers.IntegerField(source="max_order_quantity", allow_null=True)
    fulfilment = serializers.SerializerMethodField()
    instalments_eligible = serializers.SerializerMethodField(
        help_text="The caller may pay this product in 3, 6 or 12 instalments (storefront)."
    )
    delivery_estimate = serializers.SerializerMethodField(
        help_text="When an order placed now ships: kind (in_stock, lead_time, back_in_stock, "
        "unknown) and dispatch_date (null when not known); null when the product is not sold."
    )

    @extend_schema_field(serializers.BooleanField())
    def get_instalments_eligible(self, product) -> bool:
        known = self.context.get("instalments")
        if known is None:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            if request is None or getattr(request._request, "channel", "") != "storefront":
                known = set()
            else:
                page = getattr(self.parent, "instance", None) or [product]
                loyalty = self.context["strategy"].context.loyalty
                known = eligible_product_ids(
                    user,
                    [p.pk for p in page] + [product.pk],
                    tier_id=loyalty.tier_id if loyalty is not None else None,
                )
            self.context["instalments"] = known
        return product.pk in known

    @extend_schema_field(serializers.ChoiceField(choices=["dealer", "direct"]))
    def get_fulfilment(self, product) -> str:
        known = self.context.setdefault("fulfilment", {})
        if product.pk not in known:
            page = getattr(self.parent, "instance", None) or [product]
            known.update(fulfilment_of_products([p.pk for p in page] + [product.pk]))
        return known[product.pk]

    @extend_schema_field(DeliveryEstimateSerializer(allow_null=True))
    def get_delivery_estimate(self, product):
        info = self._info(product)[0]
        available = bool(info.availability.is_available_to_buy)
        lead_times = None
        if not available and info.stockrecord is not None:
            lead_times = self.context.get("lead_times")
            if lead_times is None:
                page = getattr(self.parent, "instance", None) or [product]
                records = [self._info(p)[0].stockrecord for p in [*page, product]]
                lead_times = lead_times_of(r.partner_id for r in records if r is not None)
                self.context["lead_times"] = lead_times
        estimate = estimate_for_stock(
            stockrecord=info.stockrecord, available=available, lead_times=lead_times
        )
        return estimate.as_data() if estimate is not None else None

    def _info(self, product):
        cache = self.context.setdefault("purchase", {})
        if product.pk not in cache:
            strategy = self.context["strategy"]
            cache[product.pk] = (
                strategy.fetch_for_product(product),
                strategy.quote(product),
            )
        return cache[product.pk]

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_price(self, product):
        return price_data(self._info(product)[1])

    @extend_schema_field(serializers.BooleanField())
    def get_available(self, product) -> bool:
        return bool(self._info(product)[0].availability.is_available_to_buy)

    @extend_schema_field(serializers.CharField())
    def get_availability(self, product) -> str:
        return str(self._info(product)[0].availability.message)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_num_available(self, product):
        return self._info(product)[0].availability.num_available

    @extend_schema_field(serializers.IntegerField())
    def get_min_quantity(self, product) -> int:
        return product.min_order_quantity or 1

    @extend_schema_field(serializers.IntegerField())
    def get_multiple(self, product) -> int:
        return product.order_multiple or 1


class BasketLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    sku = serializers.CharField(source="product.upc", read_only=True, allow_null=True)
    title = serializers.CharField(source="product.get_title", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    unit_price = serializers.SerializerMethodField()
    line_price = serializers.SerializerMethodField()
    currency = serializers.CharField(source="price_currency", read_only=True)
    reason = serializers.SerializerMethodField()

    def _quote(self, line):
        price = line.purchase_info.price
        return getattr(price, "quote", None)

    @extend_schema_field(MONEY_OR_NULL)
    def get_unit_price(self, line):
        quote = self._quote(line)
        return None if quote is None else MONEY.to_representation(quote.unit_display)

    @extend_schema_field(MONEY_OR_NULL)
    def get_line_price(self, line):
        quote = self._quote(line)
        return None if quote is None else MONEY.to_representation(quote.line_display)

    @extend_schema_field(serializers.CharField())
    def get_reason(self, line) -> str:
        quote = self._quote(line)
        return quote.reason if quote is not None else "Not available"


class BasketLineCreateSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=100000, default=1)


class BasketLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
