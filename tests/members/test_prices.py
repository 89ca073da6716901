"""Members' prices: a segment's own price for a product, from the pricing engine
on every path (listing, search, product page, basket, API, checkout, the order
line, "Why this price?"), with its precedence over loyalty and promotions, and
cached pages never shared between members and non-members."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty
from commerce.members.models import MembersPrice, SegmentMember
from pricing.engine import Loyalty, PriceContext, ProductFacts, quote
from pricing.members import MembersPriceFact
from pricing.promotions import PromotionFact
from tests import factories
from tests.catalog.test_listing_cache import cached, cards
from tests.helpers import checkout_basket
from tests.pricing.test_one_price_everywhere import assert_same_everywhere
from tests.pricing.test_page_queries import make_products, rendered_queries

Order = get_model("order", "Order")
Promotion = get_model("partner", "Promotion")

pytestmark = pytest.mark.django_db

MEMBERS = "Members' price"


@pytest.fixture
def product(db):
    return factories.ProductFactory(
        title="Limited jacket", upc="MJ-1", stock=500, stock__price="10.00"
    )


@pytest.fixture
def members_price(segment, product):
    return MembersPrice.objects.create(segment=segment, product=product, unit_price="8.00")


def shop(user=None) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_login(user)
    return client


def invited(segment, email="friend@example.com"):
    """A consumer in the segment by invitation, without a loyalty tier."""
    user = factories.UserFactory(email=email)
    SegmentMember.objects.create(segment=segment, user=user, source="staff")
    return user


# --- every path -----------------------------------------------------------------------------


def test_a_member_pays_the_members_price_on_every_path_and_the_order_keeps_it(
    gold, members_price, product
):
    # 8.00 net + 19 % = 9.52 (below the Gold tier's 9.50 net = 11.31 gross)
    client = shop(gold)
    assert_same_everywhere(client, product, unit=Decimal("9.52"), reason=MEMBERS, rule="members")
    line = Order.objects.get().lines.get()
    members_price.unit_price = Decimal("5.00")
    members_price.save()
    line.refresh_from_db()
    assert line.unit_price_excl_tax == Decimal("8.00")
    assert line.price_quote["reason"] == MEMBERS


def test_search_shows_the_members_price(gold, members_price, product):
    response = shop(gold).get("/search/?q=jacket")
    [shown] = [p for p in response.context["products"] if p.pk == product.pk]
    assert shown.purchase.price.quote.reason == MEMBERS
    assert shown.purchase.price.quote.unit_display == Decimal("9.52")


def test_an_invited_member_without_a_tier_gets_it_and_others_do_not(
    segment, members_price, product, consumer
):
    member = invited(segment)
    api = shop(member).get(f"/api/products/{product.pk}/").json()["price"]
    assert (api["unit"], api["reason"]) == ("9.52", MEMBERS)
    for client in (shop(consumer), shop()):
        price = client.get(f"/api/products/{product.pk}/").json()["price"]
        assert (price["unit"], price["reason"]) == ("11.90", "List price")


def test_an_inactive_segment_prices_like_everyone(segment, gold, members_price, product):
    segment.is_active = False
    segment.save(update_fields=["is_active"])
    price = shop(gold).get(f"/api/products/{product.pk}/").json()["price"]
    assert price["reason"] == "Gold tier −5%"


def test_the_portal_never_applies_a_members_price(gold, members_price, product):
    company = factories.CompanyFactory(name="Acme")
    factories.MembershipFactory(company=company, user=gold)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.force_login(gold)
    price = portal.get(f"/api/products/{product.pk}/").json()["price"]
    assert price["reason"] == "List price"


def test_why_this_price_names_the_members_price(gold, members_price, product):
    staff = shop(factories.StaffFactory())
    page = staff.get(
        "/dashboard/pricing/why/", {"sku": "MJ-1", "quantity": 1, "consumer": gold.email}
    )
    assert page.context["quote"].rule == "members"
    text = page.content.decode()
    assert "Members&#x27; price" in text
    assert f"members&#x27; price of segment #{members_price.segment_id}" in text


def test_a_members_checkout_with_the_card_places_the_order_at_the_members_price(
    gold, members_price, product
):
    client = shop(gold)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 2})
    assert checkout_basket(client).status_code == 302
    line = Order.objects.get().lines.get()
    assert (line.price_rule, line.unit_price_incl_tax) == ("members", Decimal("9.52"))


# --- precedence (pure rules) ----------------------------------------------------------------

AT = datetime(2026, 6, 1, tzinfo=UTC)


def context(**overrides) -> PriceContext:
    base = {
        "channel": "storefront",
        "currency": "EUR",
        "tax_rate": Decimal("0.19"),
        "prices_include_tax": True,
        "at": AT,
        "member_segments": (1,),
    }
    return PriceContext(**{**base, **overrides})


def facts(*prices) -> ProductFacts:
    return ProductFacts(
        product_id=7,
        list_price=Decimal("100.00"),
        currency="EUR",
        members_prices=tuple(MembersPriceFact(segment, Decimal(p)) for segment, p in prices),
    )


def test_the_lowest_of_the_buyers_segments_applies():
    result = quote(
        facts((1, "90.00"), (2, "70.00"), (3, "60.00")), 1, context(member_segments=(1, 2))
    )
    assert (result.rule, result.unit_net, result.reason) == ("members", Decimal("70.00"), MEMBERS)


def test_loyalty_wins_when_lower_and_they_never_stack():
    gold = Loyalty(tier_name="Gold", discount_percent=Decimal("5"), tier_id=1)
    lower = quote(facts((1, "96.00")), 1, context(loyalty=gold))
    assert (lower.rule, lower.unit_net) == ("loyalty", Decimal("95.00"))
    members = quote(facts((1, "94.00")), 1, context(loyalty=gold))
    assert (members.rule, members.unit_net) == ("members", Decimal("94.00"))
    tie = quote(facts((1, "95.00")), 1, context(loyalty=gold))
    assert (tie.rule, tie.unit_net) == ("members", Decimal("95.00"))


def test_a_promotion_works_on_the_list_price_and_wins_only_when_lower():
    sale = PromotionFact(id=1, name="Sale", percent_off=Decimal("20"))
    lower = quote(facts((1, "85.00")), 1, context(promotions=(sale,)))
    assert (lower.rule, lower.unit_net) == ("promotion", Decimal("80.00"))
    higher = quote(facts((1, "75.00")), 1, context(promotions=(sale,)))
    assert (higher.rule, higher.unit_net) == ("members", Decimal("75.00"))
    assert "promotion 'Sale' not lower than 75.00: not used" in higher.trace


def test_outside_the_segment_or_on_the_portal_it_does_not_apply():
    assert quote(facts((2, "50.00")), 1, context()).rule == "list"
    portal = context(channel="portal", prices_include_tax=False, member_segments=())
    assert quote(facts((1, "50.00")), 1, portal).rule == "list"


# --- cached pages and query counts ----------------------------------------------------------


def test_a_member_and_a_non_member_never_share_a_cached_page(segment, members_price, consumer):
    member = shop(invited(segment))
    plain = shop(consumer)
    assert cached(member)["MJ-1"] == "9.52"
    assert cached(plain)["MJ-1"] == "11.90"
    assert cached(member)["MJ-1"] == "9.52"
    assert cached(shop())["MJ-1"] == "11.90"
    assert cached(member, "/search/?q=jacket")["MJ-1"] == "9.52"
    assert cached(plain, "/search/?q=jacket")["MJ-1"] == "11.90"


def test_a_members_price_edit_shows_on_the_next_cached_page(segment, members_price):
    member = shop(invited(segment))
    assert cached(member)["MJ-1"] == "9.52"
    members_price.unit_price = Decimal("7.00")
    members_price.save()
    assert cards(member.get("/catalogue/"))["MJ-1"] == "8.33"


def test_joining_a_segment_changes_the_members_prices_on_the_next_page(
    segment, members_price, consumer
):
    client = shop(consumer)
    assert cached(client)["MJ-1"] == "11.90"
    SegmentMember.objects.create(segment=segment, user=consumer, source="staff")
    assert cards(client.get("/catalogue/"))["MJ-1"] == "9.52"


def test_listing_queries_stay_constant_with_members_prices(segment, gold, settings):
    settings.OSCAR_PRODUCTS_PER_PAGE = 48
    client = shop(gold)
    category = factories.make_category("Jackets")

    [first] = make_products(1, category)
    MembersPrice.objects.create(segment=segment, product=first, unit_price="1.00")
    one = rendered_queries(client, "/catalogue/")
    for product in make_products(47, category):
        MembersPrice.objects.create(segment=segment, product=product, unit_price="1.00")
    full = rendered_queries(client, "/catalogue/")
    search = rendered_queries(client, "/search/?q=product")

    assert full == one
    assert search <= full + 2
    page = client.get("/catalogue/")
    assert page.content.decode().count("data-product-id=") == 48


def test_a_gold_member_keeps_the_tier_for_products_without_a_members_price(segment, gold):
    other = factories.ProductFactory(upc="MJ-2", stock__price="10.00")
    MembersPrice.objects.create(
        segment=segment, product=factories.ProductFactory(upc="MJ-3"), unit_price="1.00"
    )
    assert CustomerLoyalty.objects.filter(user=gold).exists()
    price = shop(gold).get(f"/api/products/{other.pk}/").json()["price"]
    assert price["reason"] == "Gold tier −5%"
