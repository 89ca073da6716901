"""Demo promotions: the storefront voucher WELCOME10 (10 % off, storefront
only) and a portal promotion for Acme only, both named in "Why this price?"
and in each line's reason."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from accounts.models import Company
from commerce.demo.catalog import UPC_PREFIX

Promotion = get_model("partner", "Promotion")
Product = get_model("catalogue", "Product")

WELCOME = "WELCOME10"
ACME_PROMOTION = "Acme spring promotion"


@transaction.atomic
def seed_promotions(companies: dict[str, Company]) -> None:
    Promotion.objects.get_or_create(
        code=WELCOME,
        defaults={
            "name": "Welcome 10 %",
            "site": Promotion.Site.STOREFRONT,
            "percent_off": Decimal("10"),
        },
    )
    acme = companies["Acme Industrial"]
    promotion, created = Promotion.objects.get_or_create(
        name=ACME_PROMOTION,
        company=acme,
        defaults={"site": Promotion.Site.PORTAL, "percent_off": Decimal("7")},
    )
    if created:
        # The first 40 demo products: half of them on Acme's contract (the
        # promotion names Acme, so it may undercut its contract), half on its tier.
        ids = list(
            Product.objects.filter(upc__startswith=UPC_PREFIX)
            .order_by("upc")
            .values_list("pk", flat=True)[:40]
        )
        promotion.products.add(*ids)
