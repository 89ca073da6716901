"""Demo instalments: Gold consumers may pay the demo catalog (its top categories
and the members' drop) in 3, 6 or 12 instalments, within a 5,000 credit line."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from accounts.models import LoyaltyTier
from commerce.billing import credit
from commerce.billing.models import CreditAccount, Terms
from commerce.demo.members import drop_upcs
from commerce.instalments.models import InstalmentOffer

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")

OFFER = "Gold instalments"
GOLD_LIMIT = Decimal("5000.00")


@transaction.atomic
def seed_instalments(count: int) -> None:
    offer, created = InstalmentOffer.objects.get_or_create(name=OFFER)
    if created:
        offer.loyalty_tiers.set(LoyaltyTier.objects.filter(code="gold"))
        offer.categories.set(Category.objects.filter(depth=1))
        offer.products.set(Product.objects.filter(upc__in=drop_upcs(count)))
    gold = get_user_model().objects.filter(email="gold.consumer@example.com").first()
    if gold is None:
        return
    account, _ = CreditAccount.objects.get_or_create(user=gold, defaults={"terms": Terms.NET_30})
    if account.credit_limit < GOLD_LIMIT:
        credit.credit_set_terms(account=account, actor=None, credit_limit=GOLD_LIMIT)
