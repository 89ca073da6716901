"""Catalog visibility on every channel: listings, category pages, search, product
pages, the menu, basket add, quick order (grid and CSV), reorder and checkout."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import menu, visibility
from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.order.exceptions import BasketInvalid
from pricing.strategy import Selector
from tests import factories
from tests.catalog.conftest import EXPECTED, portal_client_for
from tests.helpers import count_queries
from tests.orders.conftest import checkout_data

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db
AUDIENCES = list(EXPECTED)


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {p.title for p in response.context["products"]}


def company_of(world, audience):
    return {"consumer": None, "A": world.a, "B": world.b, "Gold": world.g}[audience]


def site_of(audience):
    return "storefront" if audience == "consumer" else "portal"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_rule_as_a_queryset_filter(world, audience):
    visible = visibility.visible_products(
        Product.objects.all(), site=site_of(audience), company=company_of(world, audience)
    )

    assert set(visible.values_list("title", flat=True)) == EXPECTED[audience]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_is_visible_agrees_with_the_filter(world, audience):
    company = company_of(world, audience)
    seen = {
        p.title
        for p in Product.objects.all()
        if visibility.is_visible(p, site=site_of(audience), company=company)
    }

    assert seen == EXPECTED[audience]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_catalogue_page_lists_only_visible_products(clients, audience):
    assert titles(clients[audience].get("/catalogue/")) == EXPECTED[audience]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_search_finds_only_visible_products(clients, audience):
    assert titles(clients[audience].get("/search/", {"q": "Widget"})) == EXPECTED[audience]


def test_search_by_exact_sku_does_not_reveal_a_hidden_product(world, clients):
    response = clients["B"].get("/search/", {"q": world.p.for_a.upc})

    assert titles(response) == set()


def test_a_category_restriction_covers_its_subtree(world, clients):
    client = clients["B"]

    secret = titles(client.get(world.secret.get_absolute_url()))
    child = titles(client.get(world.secret_child.get_absolute_url()))

    assert secret == child == {"Widget secret"}


@pytest.mark.parametrize("audience", ["consumer", "A", "Gold"])
def test_a_restricted_category_is_a_404_and_unnamed_for_others(world, clients, audience):
    client = clients[audience]

    assert client.get(world.secret.get_absolute_url()).status_code == 404
    assert client.get(world.secret_child.get_absolute_url()).status_code == 404
    assert client.get(world.tools.get_absolute_url()).status_code == 200
    assert "Secret" not in client.get("/").content.decode()


def test_the_granted_company_sees_the_category_on_its_home_page(world, clients):
    assert "Secret" in clients["B"].get("/").content.decode()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_hidden_product_page_is_a_404(world, clients, audience):
    client = clients[audience]
    for product in vars(world.p).values():
        status = client.get(product.get_absolute_url()).status_code
        assert status == (200 if product.title in EXPECTED[audience] else 404), product.title


def test_a_tier_grant_follows_the_companys_tier(world):
    client = portal_client_for(world.b)
    assert client.get(world.p.for_gold.get_absolute_url()).status_code == 404

    world.b.price_tier = world.gold
    world.b.save(update_fields=["price_tier"])

    assert client.get(world.p.for_gold.get_absolute_url()).status_code == 200


def test_the_menu_counts_what_each_audience_sees(world):
    def counts(audience):
        nodes = menu.menu(2, site=site_of(audience), company=company_of(world, audience))
        return {n["name"]: n["count"] for n in nodes}

    assert counts("consumer") == {"Tools": 2}
    assert counts("A") == {"Tools": 4}
    assert counts("B") == {"Tools": 2, "Secret": 1, "Secret drills": 1}
    assert counts("Gold") == {"Tools": 3}


def test_menu_counts_follow_a_change_of_restriction(world):
    before = {n["name"]: n["count"] for n in menu.menu(2, site="portal", company=world.a)}

    world.specials.companies.remove(world.a)
    after = {n["name"]: n["count"] for n in menu.menu(2, site="portal", company=world.a)}

    assert (before["Tools"], after["Tools"]) == (4, 3)


def test_the_menu_costs_no_query_once_warm_and_is_shared_by_unnamed_companies(world):
    unnamed = factories.CompanyFactory(name="Nobody special")
    menu.menu(2, site="portal", company=world.b)  # warm the tree and the rules

    with CaptureQueriesContext(connection) as warm:
        menu.menu(2, site="portal", company=world.b)

    assert len(warm.captured_queries) == 0
    assert visibility.audience_key(site="portal", company=unnamed) == visibility.audience_key(
        site="portal", company=factories.CompanyFactory(name="Another")
    )
    assert visibility.audience_key(site="portal", company=world.a) != visibility.audience_key(
        site="portal", company=unnamed
    )


def test_the_category_sidebar_shows_counts_and_hides_what_is_empty_for_the_viewer(clients):
    page_a = clients["A"].get("/catalogue/").content.decode()
    page_b = clients["B"].get("/catalogue/").content.decode()

    assert "Secret" not in page_a
    assert "Secret drills" in page_b
    assert '<span class="text-muted small menu-count">(4)</span>' in page_a


@pytest.mark.parametrize("audience", AUDIENCES)
def test_basket_add_refuses_hidden_products_with_a_404(world, clients, audience):
    client = clients[audience]
    for product in vars(world.p).values():
        response = client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
        visible = product.title in EXPECTED[audience]
        assert response.status_code == (302 if visible else 404), product.title


def test_quick_order_grid_treats_a_hidden_sku_as_unknown(world, clients):
    response = clients["A"].post(
        "/quick-order/",
        {"sku": [world.p.open.upc, world.p.for_gold.upc], "quantity": ["1", "1"]},
    )

    assert response.status_code == 400
    assert f"Unknown SKU &#x27;{world.p.for_gold.upc}&#x27;" in response.content.decode()
    assert clients["A"].get("/basket/").context["basket"].num_items == 0


def test_quick_order_csv_upload_adds_nothing_when_a_sku_is_hidden(world, clients):
    content = f"sku,quantity\n{world.p.for_a.upc},2\n{world.p.secret.upc},1\n".encode()

    response = clients["A"].post(
        "/quick-order/", {"file": SimpleUploadedFile("order.csv", content, "text/csv")}
    )

    assert response.status_code == 400
    assert f"Unknown SKU &#x27;{world.p.secret.upc}&#x27;" in response.content.decode()
    assert clients["A"].get("/basket/").context["basket"].num_items == 0


def test_quick_order_csv_upload_adds_the_products_the_company_may_see(world, clients):
    content = f"sku,quantity\n{world.p.for_a.upc},2\n{world.p.assorted.upc},1\n".encode()

    response = clients["A"].post(
        "/quick-order/", {"file": SimpleUploadedFile("order.csv", content, "text/csv")}
    )

    assert response.status_code == 302
    assert clients["A"].get("/basket/").context["basket"].num_items == 3


def test_sku_autocomplete_suggests_only_visible_products(world, clients):
    data = clients["A"].get("/quick-order/skus/", {"q": "Widget"}).json()

    assert {r["title"] for r in data["results"]} == EXPECTED["A"]


def place(client, company, product):
    assert client.post(f"/basket/add/{product.pk}/", {"quantity": 1}).status_code == 302
    response = client.post("/checkout/", checkout_data(company))
    assert response.status_code == 302, response.content[:2000]
    return Order.objects.latest("pk")


def test_reorder_skips_a_product_that_became_hidden(world):
    client = portal_client_for(world.a)
    order = place(client, world.a, world.p.assorted)
    world.specials.companies.remove(world.a)

    response = client.post(f"/orders/{order.number}/reorder/", follow=True)

    assert "Widget assorted: not available to your account" in response.content.decode()
    assert response.context["basket"].num_items == 0


def test_checkout_refuses_a_basket_whose_product_became_hidden(world):
    client = portal_client_for(world.a)
    assert client.post(f"/basket/add/{world.p.for_a.pk}/", {"quantity": 1}).status_code == 302
    world.p.for_a.visible_to_companies.set([world.b])

    response = client.post("/checkout/", checkout_data(world.a), follow=True)

    assert not Order.objects.exists()
    assert "Widget for A: not available to your account." in response.content.decode()


def test_placement_refuses_a_storefront_line_that_became_portal_only(world):
    user = factories.UserFactory()
    basket = Basket.objects.create(owner=user, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    basket.add_product(world.p.open, 1)
    world.p.open.channels = "portal"
    world.p.open.save(update_fields=["channels"])
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = Selector().strategy(channel="storefront", user=user)

    with pytest.raises(BasketInvalid) as refused:
        order_place(
            basket=basket,
            request=CheckoutRequest(
                channel="storefront",
                user=user,
                shipping_address={
                    "first_name": "A",
                    "last_name": "B",
                    "line1": "1 Road",
                    "line4": "Berlin",
                    "postcode": "10115",
                    "country": factories.CountryFactory(),
                },
                shipping_method_code="standard",
                payment_method="card",
                card_token="tok_sandbox_approve",
            ),
        )

    assert "Widget open: not available to your account." in str(refused.value)
    assert not Order.objects.exists()


PAGE = settings.OSCAR_PRODUCTS_PER_PAGE


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("path", ["/catalogue/", "category", "/search/?q=Widget"])
def test_listing_queries_stay_constant_with_restrictions(world, clients, audience, path):
    url = world.tools.get_absolute_url() if path == "category" else path
    client = clients[audience]
    client.get(url)  # a member's first page opens their basket (a new mini-basket version)
    one = count_queries(client, url)
    restricted = factories.PriceListFactory(name="Silver", code="silver")
    for n in range(PAGE):
        product = factories.ProductFactory(title=f"Widget extra {n}", category=world.tools, stock=5)
        if n % 3 == 0:  # a third restricted to someone else: filtered in SQL, not in Python
            product.visible_to_tiers.add(restricted)
        if n % 3 == 1:
            world.specials.products.add(product)
    full = count_queries(client, url)

    assert full == one
    assert full <= (12 if audience == "consumer" else 16)


def test_the_product_page_recommends_only_visible_products(world, clients):
    ProductRecommendation = get_model("catalogue", "ProductRecommendation")
    for rank, other in enumerate([world.p.for_a, world.p.store_only, world.p.secret]):
        ProductRecommendation.objects.create(
            primary=world.p.open, recommendation=other, ranking=rank
        )

    def recommended(audience):
        response = clients[audience].get(world.p.open.get_absolute_url())
        return {p.title for p in response.context["product"].sorted_recommended_products}

    assert recommended("consumer") == {"Widget store"}
    assert recommended("A") == {"Widget for A"}
    assert recommended("B") == {"Widget secret"}


@pytest.fixture
def public_range(world):
    Range = get_model("offer", "Range")
    shown = Range.objects.create(name="Featured widgets", slug="featured-widgets", is_public=True)
    for product in (world.p.open, world.p.for_a, world.p.portal_only):
        shown.add_product(product)
    return shown


@pytest.mark.parametrize("audience", ["consumer", "A", "B"])
def test_range_and_offer_pages_list_only_visible_products(world, clients, public_range, audience):
    Condition = get_model("offer", "Condition")
    Benefit = get_model("offer", "Benefit")
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    ConditionalOffer.objects.create(
        name="Widget week",
        slug="widget-week",
        offer_type="Site",
        condition=Condition.objects.create(range=public_range, type="Count", value=1),
        benefit=Benefit.objects.create(range=public_range, type="Percentage", value=10),
    )
    expected = {"Widget open", "Widget for A", "Widget portal"} & EXPECTED[audience]

    range_page = clients[audience].get("/catalogue/ranges/featured-widgets/")
    offer_page = clients[audience].get("/offers/widget-week/")

    assert {p.title for p in range_page.context["products"]} == expected
    assert {p.title for p in offer_page.context["products"]} == expected


def test_recently_viewed_shows_only_what_the_active_company_may_see(world):
    client = portal_client_for(world.a)
    user = factories.MembershipFactory(company=world.b, role="buyer").user
    factories.MembershipFactory(company=world.a, user=user, role="buyer")
    client.force_login(user)
    client.post("/company/switch/", {"company": world.a.pk})

    def strip():
        page = client.get(world.p.open.get_absolute_url()).content.decode()
        return page.split('id="recently_viewed"', 1)[1] if 'id="recently_viewed"' in page else ""

    assert client.get(world.p.for_a.get_absolute_url()).status_code == 200
    assert "Widget for A" in strip()
    client.post("/company/switch/", {"company": world.b.pk})
    assert "Widget for A" not in strip()
