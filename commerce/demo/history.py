"""Demo order history: past storefront orders that earn the demo consumers
their loyalty tiers (recomputed here exactly as the nightly task does)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.loyalty import loyalty_recompute
from commerce.core.money import add_tax, quantize, rate
from commerce.demo.catalog import UPC_PREFIX
from commerce.order import status as order_status

Order = get_model("order", "Order")
Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")

# consumer email -> (number of past orders, spend per order, roughly)
CONSUMER_HISTORY = {
    "gold.consumer@example.com": (8, Decimal("180")),
    "silver.consumer@example.com": (4, Decimal("90")),
    "consumer@example.com": (1, Decimal("40")),
}


def _record_pool():
    return list(
        StockRecord.objects.filter(product__upc__startswith=UPC_PREFIX)
        .select_related("product", "partner")
        .order_by("pk")[:200]
    )


@transaction.atomic
def seed_history() -> int:
    """Create the past orders once per consumer (skipped if they have any)."""
    User = get_user_model()
    records = _record_pool()
    if not records:
        return 0
    tax_rate = rate(settings.DEFAULT_TAX_RATE)
    now = timezone.now()
    created = 0
    for email, (count, target) in CONSUMER_HISTORY.items():
        user = User.objects.filter(email=email).first()
        if user is None or Order.objects.filter(user=user).exists():
            continue
        rng = random.Random(email)
        for n in range(count):
            record = rng.choice(records)
            quantity = max(1, int(target / max(record.price, Decimal("1"))))
            net = quantize(record.price * quantity)
            _tax, gross = add_tax(net, tax_rate)
            placed = now - timedelta(days=20 + n * 35 + rng.randint(0, 10))
            order = Order.objects.create(
                number=f"DEMO-{user.pk}-{n + 1}",
                site_id=settings.STOREFRONT_SITE_ID,
                user=user,
                currency=settings.OSCAR_DEFAULT_CURRENCY,
                total_excl_tax=net,
                total_incl_tax=gross,
                shipping_excl_tax=Decimal("0.00"),
                shipping_incl_tax=Decimal("0.00"),
                status=order_status.COMPLETED,
                date_placed=placed,
            )
            Line.objects.create(
                order=order,
                partner=record.partner,
                partner_name=record.partner.name,
                partner_sku=record.partner_sku,
                stockrecord=record,
                product=record.product,
                title=record.product.title,
                upc=record.product.upc,
                quantity=quantity,
                num_allocated=0,
                line_price_excl_tax=net,
                line_price_incl_tax=gross,
                line_price_before_discounts_excl_tax=net,
                line_price_before_discounts_incl_tax=gross,
                unit_price_excl_tax=record.price,
                unit_price_incl_tax=record.price + add_tax(record.price, tax_rate)[0],
                status=order_status.COMPLETED,
                price_rule="list",
                price_reason="List price",
            )
            created += 1
    loyalty_recompute(now=now)
    return created
