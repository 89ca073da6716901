"""Demo pricing: Bronze/Silver/Gold tier lists, Acme's contract with volume
breaks, tier assignments, and the consumer loyalty tiers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.models import Company, LoyaltyTier
from commerce.core.money import quantize
from commerce.demo.catalog import UPC_PREFIX

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")
StockRecord = get_model("partner", "StockRecord")

TIERS = [
    ("bronze", "Bronze distributor", Decimal("0.95")),
    ("silver", "Silver distributor", Decimal("0.90")),
    ("gold", "Gold distributor", Decimal("0.85")),
]
# Acme's contract: every second product of the first 900 (450 products), and
# every fifteenth of those also gets three volume breaks.
CONTRACT_CODE = "acme-contract-2026"
CONTRACT_BREAKS = [(1, Decimal("0.80")), (10, Decimal("0.75")), (50, Decimal("0.70"))]

LOYALTY = [
    ("member", "Member", 0, Decimal("0"), Decimal("0"), 0, Decimal("1")),
    ("silver", "Silver", 1, Decimal("3"), Decimal("250"), 3, Decimal("0.2")),
    ("gold", "Gold", 2, Decimal("5"), Decimal("1000"), 6, Decimal("0.1")),
]


def _list_prices() -> list[tuple[int, str, Decimal]]:
    """(product id, upc, list price) of the demo products, primary partner first."""
    rows = (
        StockRecord.objects.filter(product__upc__startswith=UPC_PREFIX, price__isnull=False)
        .order_by("product__upc", "partner_id")
        .values_list("product_id", "product__upc", "price")
    )
    seen: dict[int, tuple[int, str, Decimal]] = {}
    for product_id, upc, price in rows:
        seen.setdefault(product_id, (product_id, upc, price))
    return sorted(seen.values(), key=lambda r: r[1])


def _fill(price_list, rows: list[PriceListEntry]) -> None:
    """Add the entries the list does not have yet (keyed by product and minimum)."""
    have = set(price_list.entries.values_list("product_id", "min_quantity"))
    missing = [r for r in rows if (r.product_id, r.min_quantity) not in have]
    PriceListEntry.objects.bulk_create(missing, batch_size=2000)


@transaction.atomic
def seed_pricing(companies: dict[str, Company], *, start: datetime | None = None) -> None:
    start = start or timezone.now().replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    prices = _list_prices()
    tier_lists = {}
    for code, name, factor in TIERS:
        tier, _ = PriceList.objects.get_or_create(
            code=code, defaults={"name": name, "kind": PriceList.Kind.TIER}
        )
        tier_lists[code] = tier
        _fill(
            tier,
            [
                PriceListEntry(
                    price_list=tier,
                    product_id=pid,
                    min_quantity=1,
                    unit_price=quantize(price * factor),
                )
                for pid, _upc, price in prices
            ],
        )

    acme, globex = companies["Acme Industrial"], companies["Globex Supply"]
    contract, _ = PriceList.objects.get_or_create(
        code=CONTRACT_CODE,
        defaults={
            "name": "Acme Industrial contract 2026",
            "kind": PriceList.Kind.CONTRACT,
            "company": acme,
            "valid_from": start,
        },
    )
    rows = []
    for n, (pid, _upc, price) in enumerate(prices[:900:2]):
        breaks = CONTRACT_BREAKS if n % 15 == 0 else CONTRACT_BREAKS[:1]
        rows += [
            PriceListEntry(
                price_list=contract,
                product_id=pid,
                min_quantity=qty,
                unit_price=quantize(price * factor),
            )
            for qty, factor in breaks
        ]
    _fill(contract, rows)

    for company, code in ((acme, "gold"), (globex, "bronze")):
        if company.price_tier_id is None:
            company.price_tier = tier_lists[code]
            company.save(update_fields=["price_tier"])

    for code, name, rank, discount, spend, orders, returns in LOYALTY:
        LoyaltyTier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "discount_percent": discount,
                "min_spend": spend,
                "min_orders": orders,
                "max_return_rate": returns,
            },
        )
