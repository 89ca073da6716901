"""The same product costs the same on the listing, the product page, in the basket,
over the REST API (product and basket line) and on the order, in every pricing
context; the order line records the rule."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from tests import factories
from tests.helpers import checkout_basket

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def product():
    return factories.ProductFactory(
        title="Hex bolt M8", upc="HB-8", stock=500, stock__price="10.00"
    )


def listing_price(client, product):
    [shown] = [p for p in client.get("/catalogue/").context["products"] if p.pk == product.pk]
    return shown.purchase.price.quote


def detail_price(client, product):
    response = client.get(product.get_absolute_url())
    return response.context["product"].purchase.price.quote


def basket_line(client, product, quantity):
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    basket = client.get("/basket/").context["basket"]
    [line] = basket.all_lines()
    return line.purchase_info.price.quote


def api_price(client, product):
    """(unit, reason) of the product over the API, in the same session."""
    price = client.get(f"/api/products/{product.pk}/").json()["price"]
    return Decimal(price["unit"]), price["reason"]


def api_basket_line(client, product):
    lines = client.get("/api/basket/lines/").json()["results"]
    [line] = [line for line in lines if line["product"] == product.pk]
    return Decimal(line["unit_price"]), line["reason"]


def assert_same_everywhere(client, product, *, unit, reason, rule, quantity=1, guest=None):
    seen = [listing_price(client, product), detail_price(client, product)]
    line = basket_line(client, product, quantity)
    assert [q.unit_display for q in seen] == [unit, unit]
    assert {q.reason for q in seen} == {reason}
    assert line.unit_display == unit and line.reason == reason
    assert api_price(client, product) == (unit, reason)
    assert api_basket_line(client, product) == (unit, reason)
    response = checkout_basket(client, guest_email=guest)
    assert response.status_code == 302
    assert response["Location"] in (
        "/checkout/thank-you/",
        f"/orders/{Order.objects.latest('pk').number}/",
    )
    order = Order.objects.latest("pk")
    [order_line] = order.lines.all()
    shown_unit = (
        order_line.unit_price_incl_tax
        if line.prices_include_tax
        else order_line.unit_price_excl_tax
    )
    assert shown_unit == unit
    assert (order_line.price_rule, order_line.price_reason) == (rule, reason)
    assert order_line.price_quote["unit_net"] == str(line.unit_net)


def _address():
    factories.CountryFactory()
    return {
        "first_name": "A",
        "last_name": "B",
        "line1": "1 Road",
        "line4": "Berlin",
        "postcode": "10115",
        "country": "DE",
    }


def test_anonymous_storefront_visitor_pays_list_price_gross(storefront_client, product):
    storefront_client.post("/checkout/", {})
    storefront_client.get("/")
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    storefront_client.post("/checkout/", {"username": "guest@example.com", "options": "anonymous"})
    # basket_line adds one more: start from an empty basket instead
    storefront_client.cookies.clear()
    storefront_client.force_login(factories.UserFactory())

    assert_same_everywhere(
        storefront_client, product, unit=Decimal("11.90"), reason="List price", rule="list"
    )


def test_gold_consumer_pays_list_less_five_percent(storefront_client, product):
    gold = LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent=Decimal("5")
    )
    consumer = factories.UserFactory()
    CustomerLoyalty.objects.create(user=consumer, tier=gold)
    storefront_client.force_login(consumer)

    # 10.00 - 5 % = 9.50 net, + 19 % = 11.31 (1.805 rounds half up to 1.81)
    assert_same_everywhere(
        storefront_client, product, unit=Decimal("11.31"), reason="Gold tier −5%", rule="loyalty"
    )


def test_contract_price_beats_tier_on_the_portal(portal_client, product):
    company = factories.CompanyFactory(
        price_tier=factories.PriceListFactory(name="Gold distributor")
    )
    factories.CompanyAddressFactory(company=company, is_default=True)
    factories.price(company.price_tier, product, "9.00")
    factories.price(factories.contract_list(company), product, "8.25")
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)

    assert_same_everywhere(
        portal_client, product, unit=Decimal("8.25"), reason="Your contract price", rule="contract"
    )


def test_tier_price_on_the_portal(portal_client, product):
    company = factories.CompanyFactory(
        price_tier=factories.PriceListFactory(name="Bronze distributor")
    )
    factories.CompanyAddressFactory(company=company, is_default=True)
    factories.price(company.price_tier, product, "9.50")
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)

    assert_same_everywhere(
        portal_client, product, unit=Decimal("9.50"), reason="Bronze distributor price", rule="tier"
    )


def test_volume_break_on_the_portal_from_ten(portal_client, product):
    company = factories.CompanyFactory()
    contract = factories.contract_list(company)
    factories.price(contract, product, "9.00")
    factories.price(contract, product, "8.00", min_quantity=10)
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)

    line = basket_line(portal_client, product, 12)

    assert (line.unit_display, line.reason) == (Decimal("8.00"), "Your contract price (10+)")
    assert api_basket_line(portal_client, product) == (Decimal("8.00"), line.reason)
    breaks = portal_client.get(f"/api/products/{product.pk}/").json()["price"]["breaks"]
    assert [(b["min_quantity"], Decimal(b["unit"])) for b in breaks] == [
        (1, Decimal("9.00")),
        (10, Decimal("8.00")),
    ]
    assert [(b.min_quantity, b.unit_display) for b in line.breaks] == [
        (1, Decimal("9.00")),
        (10, Decimal("8.00")),
    ]


def test_another_company_does_not_get_acmes_contract(portal_client, product):
    acme = factories.CompanyFactory(name="Acme")
    factories.price(factories.contract_list(acme), product, "5.00")
    other = factories.CompanyFactory(name="Other")
    portal_client.force_login(factories.MembershipFactory(company=other, role="buyer").user)

    assert listing_price(portal_client, product).unit_display == Decimal("10.00")


def test_switching_company_switches_prices(portal_client, product):
    acme = factories.CompanyFactory(name="Acme")
    globex = factories.CompanyFactory(name="Globex")
    factories.price(factories.contract_list(acme), product, "7.00")
    user = factories.MembershipFactory(company=acme).user
    factories.MembershipFactory(user=user, company=globex)
    portal_client.force_login(user)
    portal_client.post("/company/switch/", {"company": acme.pk})
    at_acme = listing_price(portal_client, product).unit_display
    portal_client.post("/company/switch/", {"company": globex.pk})

    assert (at_acme, listing_price(portal_client, product).unit_display) == (
        Decimal("7.00"),
        Decimal("10.00"),
    )
