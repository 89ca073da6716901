"""Demo buying tools: a shared shopping list at Acme and a quote the sales rep
has answered, ready to accept in the portal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.models import Company, Membership
from catalog import visibility
from commerce import sites
from commerce.lists.models import ShoppingList
from commerce.lists.services import list_create, list_line_add
from commerce.quotes.models import Quote
from commerce.quotes.services import quote_offer, quote_request

Product = get_model("catalogue", "Product")
CENT = Decimal("0.01")


def _products(company: Company, count: int) -> list:
    candidates = Product.objects.filter(stockrecords__price__isnull=False).order_by("pk")[:200]
    return visibility.visible_products(
        Product.objects.filter(pk__in=[p.pk for p in candidates]),
        site=sites.PORTAL,
        company=company,
    ).order_by("pk")[:count]


def seed_buying_tools(companies: dict[str, Company]) -> None:
    acme = companies["Acme Industrial"]
    membership = (
        Membership.objects.filter(company=acme, user__email="buyer@acme.example")
        .select_related("company", "user")
        .first()
    )
    if membership is None:
        return
    products = list(_products(acme, 6))
    if not products:
        return
    if not ShoppingList.objects.filter(company=acme).exists():
        shopping_list = list_create(membership=membership, name="Monthly consumables", shared=True)
        for n, product in enumerate(products[:5], start=1):
            list_line_add(shopping_list=shopping_list, product=product, quantity=n * 2)
    if not Quote.objects.filter(company=acme).exists():
        quote = quote_request(
            membership=membership,
            lines=[(product, 10, None) for product in products[:2]],
            message="Volume pricing for the new line, please.",
        )
        rep = get_user_model().objects.filter(email="rep@example.com").first()
        if rep is not None:
            strategy_prices = {
                line.pk: (line.product.stockrecords.first().price * 90 / 100).quantize(CENT)
                for line in quote.lines.select_related("product")
            }
            quote_offer(
                quote=quote,
                actor=rep,
                prices=strategy_prices,
                valid_until=timezone.localdate() + timedelta(days=30),
                message="10% off list for this volume.",
            )
