"""A promotion's usage limit holds under concurrent checkouts: its row is
locked (step 3a of ``commerce.core.locks``) while the uses are counted and
the redemption is written, so two orders at once cannot both take the last use."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.order.exceptions import VoucherNotUsable
from tests import factories
from tests.helpers import at_once, place_portal_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Promotion = get_model("partner", "Promotion")
PromotionRedemption = get_model("partner", "PromotionRedemption")


def test_the_last_use_goes_to_one_order(settings):
    settings.DEFAULT_TAX_RATE = "0.19"
    product = factories.ProductFactory(stock=100, stock__price="20.00")
    promotion = Promotion.objects.create(name="Last one", site="portal", percent_off=10, max_uses=1)
    promotion.products.add(product)
    buyers = []
    for name in ("Acme", "Globex"):
        company = factories.business(name)
        buyers.append((company, factories.MembershipFactory(company=company, role="buyer").user))

    outcomes = at_once(
        *[lambda c=c, u=u: place_portal_order(c, u, product, 2) for c, u in buyers],
        expected=(VoucherNotUsable,),
        what="checkout",
    )

    placed = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, VoucherNotUsable)]
    assert (len(placed), len(refused)) == (1, 1), outcomes
    assert "used as often as it may be" in str(refused[0])
    redemption = PromotionRedemption.objects.get()
    assert redemption.order_id == placed[0].order.pk
    assert redemption.discount == Decimal("4.00")
    assert Order.objects.count() == 1


def test_a_used_up_promotion_leaves_the_prices(settings):
    settings.DEFAULT_TAX_RATE = "0.19"
    from pricing.strategy import Selector

    product = factories.ProductFactory(stock=100, stock__price="20.00")
    promotion = Promotion.objects.create(name="Once", site="portal", percent_off=10, max_uses=1)
    promotion.products.add(product)
    company = factories.business("Acme")
    buyer = factories.MembershipFactory(company=company, role="buyer").user

    place_portal_order(company, buyer, product, 1)

    quote = Selector().strategy(channel="portal", user=buyer, company=company).quote(product)
    assert (quote.rule, quote.unit_net) == ("list", Decimal("20.00"))
    assert Promotion.objects.get().uses == 1
