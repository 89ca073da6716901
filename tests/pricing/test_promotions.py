"""Promotions and vouchers are part of the engine's quote: scoped by site,
company, account tier and loyalty tier; never under a contract price unless
they name the company; loyalty skips promoted lines unless they stack; the
same figure on the page, the API and the order; usage limits at placement."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from tests import factories
from tests.helpers import checkout_basket

Order = get_model("order", "Order")
Promotion = get_model("partner", "Promotion")
PromotionRedemption = get_model("partner", "PromotionRedemption")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def product():
    return factories.ProductFactory(
        title="Hex bolt M8", upc="HB-8", stock=500, stock__price="10.00"
    )


def basket_quote(client, product, quantity=1):
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    basket = client.get("/basket/").context["basket"]
    [line] = basket.all_lines()
    return line.purchase_info.price.quote


def detail_quote(client, product):
    return client.get(product.get_absolute_url()).context["product"].purchase.price.quote


def gold_consumer(discount="5"):
    gold = LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent=Decimal(discount)
    )
    consumer = factories.UserFactory()
    CustomerLoyalty.objects.create(user=consumer, tier=gold)
    return consumer, gold


def test_automatic_storefront_promotion_is_in_the_quote_and_the_order(storefront_client, product):
    promo = Promotion.objects.create(name="Spring sale", site="storefront", percent_off=20)
    promo.products.add(product)
    storefront_client.force_login(factories.UserFactory())

    shown = detail_quote(storefront_client, product)
    line = basket_quote(storefront_client, product)

    # 10.00 - 20 % = 8.00 net, 9.52 gross
    assert (shown.unit_display, shown.reason) == (Decimal("9.52"), "Spring sale \u221220%")
    assert (line.unit_display, line.rule, line.promotion_id) == (
        Decimal("9.52"),
        "promotion",
        promo.pk,
    )
    price = storefront_client.get(f"/api/products/{product.pk}/").json()["price"]
    assert price["reason"] == "Spring sale \u221220%"
    assert checkout_basket(storefront_client).status_code == 302
    order_line = Order.objects.latest("pk").lines.get()
    assert order_line.price_reason == "Spring sale \u221220%"
    assert order_line.price_quote["promotion"] == "Spring sale"
    assert order_line.unit_price_incl_tax == Decimal("9.52")
    assert PromotionRedemption.objects.get().discount == Decimal("2.00")


def test_loyalty_skips_promoted_lines_unless_the_promotion_stacks(storefront_client, product):
    consumer, _gold = gold_consumer("5")
    promo = Promotion.objects.create(name="Sale", site="storefront", percent_off=10)
    storefront_client.force_login(consumer)

    quote = detail_quote(storefront_client, product)
    assert (quote.unit_net, quote.reason) == (Decimal("9.00"), "Sale \u221210%")

    promo.stacks_with_loyalty = True
    promo.save()
    quote = detail_quote(storefront_client, product)
    # 10.00 - 10 % = 9.00, - 5 % = 8.55
    assert (quote.unit_net, quote.reason) == (
        Decimal("8.55"),
        "Sale \u221210% + Gold tier \u22125%",
    )


def test_a_weaker_promotion_leaves_the_better_loyalty_price(storefront_client, product):
    consumer, _gold = gold_consumer("10")
    Promotion.objects.create(name="Small sale", site="storefront", percent_off=5)
    storefront_client.force_login(consumer)

    quote = detail_quote(storefront_client, product)
    assert (quote.unit_net, quote.rule) == (Decimal("9.00"), "loyalty")


def test_promotion_never_undercuts_a_contract_unless_it_names_the_company(portal_client, product):
    company = factories.CompanyFactory(name="Acme")
    factories.CompanyAddressFactory(company=company, is_default=True)
    factories.price(factories.contract_list(company), product, "8.00")
    Promotion.objects.create(name="Portal week", site="portal", percent_off=25)
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)

    quote = detail_quote(portal_client, product)
    assert (quote.unit_net, quote.rule) == (Decimal("8.00"), "contract")
    assert any("skipped: contract price" in step for step in quote.trace)

    Promotion.objects.create(name="Acme special", site="portal", company=company, percent_off=10)
    quote = detail_quote(portal_client, product)
    assert (quote.unit_net, quote.reason) == (Decimal("7.20"), "Acme special \u221210%")


def test_company_promotion_is_invisible_to_other_companies_and_the_storefront(
    portal_client, storefront_client, product
):
    acme = factories.CompanyFactory(name="Acme")
    other = factories.CompanyFactory(name="Other")
    Promotion.objects.create(name="Acme special", company=acme, percent_off=10)
    portal_client.force_login(factories.MembershipFactory(company=other, role="buyer").user)

    assert detail_quote(portal_client, product).unit_net == Decimal("10.00")
    assert detail_quote(storefront_client, product).unit_net == Decimal("10.00")


def test_tier_and_segment_scoping(portal_client, storefront_client, product):
    gold_list = factories.PriceListFactory(name="Gold distributor")
    company = factories.CompanyFactory(price_tier=gold_list)
    Promotion.objects.create(name="Gold distributors", account_tier=gold_list, amount_off="1.50")
    consumer, gold = gold_consumer("0")
    Promotion.objects.create(name="Gold members", loyalty_tier=gold, percent_off=15)
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)
    storefront_client.force_login(consumer)

    assert detail_quote(portal_client, product).unit_net == Decimal("8.50")
    assert detail_quote(storefront_client, product).unit_net == Decimal("8.50")
    storefront_client.logout()
    assert detail_quote(storefront_client, product).unit_net == Decimal("10.00")


def test_promotion_outside_its_window_does_not_apply(storefront_client, product):
    from django.utils import timezone

    Promotion.objects.create(
        name="Later", percent_off=50, valid_from=timezone.now() + timezone.timedelta(days=1)
    )
    assert detail_quote(storefront_client, product).unit_net == Decimal("10.00")


def test_voucher_applied_on_the_storefront_page_and_ordered(storefront_client, product):
    Promotion.objects.create(name="Welcome", code="WELCOME10", site="storefront", percent_off=10)
    storefront_client.force_login(factories.UserFactory())
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    before = detail_quote(storefront_client, product)
    response = storefront_client.post("/basket/vouchers/add/", {"code": "welcome10"}, follow=True)

    assert "Voucher WELCOME10 applied" in response.content.decode()
    [line] = response.context["basket"].all_lines()
    quote = line.purchase_info.price.quote
    assert quote.reason == "Welcome (voucher WELCOME10) \u221210%"
    assert before.unit_net == Decimal("10.00")  # a voucher prices the basket, not the page
    totals = storefront_client.get("/api/basket/").json()
    assert totals["lines_excl_tax"] == "18.00"
    assert totals["lines_incl_tax"] == "21.42"
    assert totals["vouchers"] == [
        {"code": "WELCOME10", "name": "Welcome", "discount_excl_tax": "2.00"}
    ]
    assert checkout_basket(storefront_client).status_code == 302
    order = Order.objects.latest("pk")
    assert order.lines.get().price_reason == "Welcome (voucher WELCOME10) \u221210%"
    assert order.total_incl_tax == Decimal(totals["lines_incl_tax"]) + order.shipping_incl_tax


def test_storefront_voucher_is_refused_on_the_portal_with_the_reason(portal_buyer_client, product):
    Promotion.objects.create(name="Welcome", code="WELCOME10", site="storefront", percent_off=10)
    portal_buyer_client.post(
        "/api/basket/lines/",
        {"product": product.pk, "quantity": 1},
        content_type="application/json",
    )

    response = portal_buyer_client.post(
        "/api/basket/vouchers/", {"code": "WELCOME10"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "voucher_invalid"
    assert "only valid on" in body["message"]
    missing = portal_buyer_client.post(
        "/api/basket/vouchers/", {"code": "NOPE"}, content_type="application/json"
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_api_basket_totals_add_up(storefront_client, product):
    storefront_client.force_login(factories.UserFactory())
    storefront_client.post(
        "/api/basket/lines/",
        {"product": product.pk, "quantity": 3},
        content_type="application/json",
    )
    Promotion.objects.create(name="Any", code="TAKE5", percent_off=5)

    applied = storefront_client.post(
        "/api/basket/vouchers/", {"code": "take5"}, content_type="application/json"
    )
    assert applied.status_code == 200, applied.content
    body = storefront_client.get("/api/basket/").json()
    money = {k: Decimal(v) for k, v in body.items() if k.endswith("_tax") or k == "tax"}
    assert money["lines_excl_tax"] == Decimal("28.50")
    assert money["total_excl_tax"] == money["lines_excl_tax"] + money["shipping_excl_tax"]
    assert money["total_incl_tax"] == money["total_excl_tax"] + money["tax"]
    assert money["total_incl_tax"] == money["lines_incl_tax"] + money["shipping_incl_tax"]
    assert body["currency"] and body["vouchers"][0]["code"] == "TAKE5"
    assert storefront_client.delete("/api/basket/vouchers/TAKE5/").status_code == 204
    assert storefront_client.get("/api/basket/").json()["lines_excl_tax"] == "30.00"


def test_usage_limit_is_enforced_at_placement(storefront_client, product):
    promo = Promotion.objects.create(name="Once", code="ONCE", percent_off=10, max_uses=1)
    storefront_client.force_login(factories.UserFactory())
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    storefront_client.post("/basket/vouchers/add/", {"code": "ONCE"})
    # Someone else used it up in the meantime.
    other = factories.UserFactory()
    PromotionRedemption.objects.create(
        promotion=promo,
        order=_any_order(other),
        user=other,
        discount=Decimal("1.00"),
    )

    response = checkout_basket(storefront_client)
    assert response.status_code != 302 or "thank-you" not in response["Location"]
    assert not Order.objects.filter(user__isnull=False, lines__price_rule="promotion").exists()


def _any_order(user):
    from commerce.order.models import Order as OrderModel

    return OrderModel.objects.create(
        number=f"X{user.pk}", user=user, total_incl_tax=1, total_excl_tax=1, currency="EUR"
    )


def test_oscars_unscoped_offers_never_touch_a_basket(portal_buyer_client, product):
    Range = get_model("offer", "Range")
    Condition = get_model("offer", "Condition")
    Benefit = get_model("offer", "Benefit")
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    ConditionalOffer.objects.create(
        name="Half price for all",
        offer_type=ConditionalOffer.SITE,
        condition=Condition.objects.create(range=everything, type="Count", value=1),
        benefit=Benefit.objects.create(range=everything, type="Percentage", value=50),
    )
    portal_buyer_client.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    basket = portal_buyer_client.get("/basket/").context["basket"]

    assert basket.offer_applications.offer_discounts == []
    assert basket.total_excl_tax == Decimal("20.00")


def test_a_voucher_on_an_empty_basket_applies_to_items_added_later(storefront_client, product):
    Promotion.objects.create(name="Welcome", code="WELCOME10", site="storefront", percent_off=10)
    storefront_client.force_login(factories.UserFactory())

    applied = storefront_client.post(
        "/api/basket/vouchers/", {"code": "WELCOME10"}, content_type="application/json"
    )
    storefront_client.post(
        "/api/basket/lines/",
        {"product": product.pk, "quantity": 1},
        content_type="application/json",
    )

    assert applied.status_code == 200, applied.content
    body = storefront_client.get("/api/basket/").json()
    assert body["lines_excl_tax"] == "9.00"
    assert [v["code"] for v in body["vouchers"]] == ["WELCOME10"]
    assert body["lines"][0]["reason"] == "Welcome (voucher WELCOME10) \u221210%"


def test_a_voucher_nothing_qualifies_for_is_refused(storefront_client, product):
    other = factories.ProductFactory(stock=5)
    promo = Promotion.objects.create(name="Drills", code="DRILLS", percent_off=10)
    promo.products.add(other)
    storefront_client.force_login(factories.UserFactory())
    storefront_client.post(
        "/api/basket/lines/",
        {"product": product.pk, "quantity": 1},
        content_type="application/json",
    )

    response = storefront_client.post(
        "/api/basket/vouchers/", {"code": "DRILLS"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["details"]["reason"] == "none of the items in your basket qualify"
