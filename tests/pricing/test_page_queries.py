"""A page of N products is priced in a constant number of queries, whatever N
and whatever the size of the price lists."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from catalog.versions import bump_catalog_version
from tests import factories
from tests.helpers import count_queries, page_queries

PriceListEntry = get_model("partner", "PriceListEntry")
Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db


def make_products(n, category):
    products = [factories.ProductFactory(category=category) for _ in range(n)]
    for p in products:
        p.images.create(original="images/products/x.jpg", display_order=0)
    return products


def fill_list(price_list, size):
    """``size`` entries, mostly for products not on the page (big-list realism)."""
    start = Product.objects.filter(upc__startswith="FILL-").count()
    filler = Product.objects.bulk_create(
        Product(title=f"Filler {n}", upc=f"FILL-{n}", structure="standalone", is_public=False)
        for n in range(start, start + max(1, size // 2))
    )
    PriceListEntry.objects.bulk_create(
        [
            PriceListEntry(
                price_list=price_list, product=p, min_quantity=q, unit_price=Decimal("1.00")
            )
            for p in filler
            for q in (1, 10)
        ][:size]
    )


@pytest.fixture
def acme_buyer(portal_client):
    company = factories.CompanyFactory(price_tier=factories.PriceListFactory())
    contract = factories.contract_list(company)
    portal_client.force_login(factories.MembershipFactory(company=company).user)
    return portal_client, company, contract


def rendered_queries(client, url) -> int:
    """Queries of a listing rendered afresh (not served from the listing cache; the
    catalog's prices stay cached, as they are between most renders)."""
    client.get(url)
    bump_catalog_version("category")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/catalogue/", "category", "/search/?q=product"])
def test_portal_listing_queries_constant_in_products_and_list_size(acme_buyer, url, settings):
    settings.OSCAR_PRODUCTS_PER_PAGE = 48
    client, company, contract = acme_buyer
    category = factories.make_category("Fasteners")
    target = category.get_absolute_url() if url == "category" else url

    [first] = make_products(1, category)
    factories.price(contract, first, "5.00")
    fill_list(contract, 10)
    small = rendered_queries(client, target)

    more = make_products(47, category)
    for p in more:
        factories.price(contract, p, "4.00")
        factories.price(contract, p, "3.50", min_quantity=10)
        factories.price(company.price_tier, p, "4.50")
    fill_list(contract, 10_000)
    big = rendered_queries(client, target)

    assert client.get(target).content.decode().count("data-product-id=") == 48
    assert big == small
    assert big <= 19


def test_storefront_listing_queries_constant_with_loyalty(storefront_client, settings):
    settings.OSCAR_PRODUCTS_PER_PAGE = 48
    consumer = factories.UserFactory()
    tier = LoyaltyTier.objects.create(name="Gold", code="gold", rank=2, discount_percent=5)
    CustomerLoyalty.objects.create(user=consumer, tier=tier)
    storefront_client.force_login(consumer)
    category = factories.make_category("Tools")

    make_products(1, category)
    one = rendered_queries(storefront_client, "/catalogue/")
    make_products(47, category)
    full = rendered_queries(storefront_client, "/catalogue/")

    assert full == one
    assert full <= 14


def test_product_page_with_breaks_has_a_fixed_query_budget(acme_buyer):
    client, _company, contract = acme_buyer
    [product] = make_products(1, factories.make_category("Bolts"))
    for q, p in ((1, "5.00"), (10, "4.50"), (50, "4.00")):
        factories.price(contract, product, p, min_quantity=q)
    url = product.get_absolute_url()

    response = client.get(url)
    assert [b.min_quantity for b in response.context["product"].purchase.price.quote.breaks] == [
        1,
        10,
        50,
    ]
    assert "price_breaks" in response.content.decode()
    # Rendered afresh: constant in the number of breaks; the page also reads its
    # categories and specifications, recommendations, the credit-hold banner and
    # the visitor's recently viewed products, each once.
    assert rendered_queries(client, url) <= 16
    # Served from the cache: session, user, memberships, credit hold, recently viewed.
    assert count_queries(client, url) <= 5


def test_a_cached_portal_list_costs_the_same_few_queries_with_a_full_basket(acme_buyer, settings):
    client, _company, contract = acme_buyer
    category = factories.make_category("Fasteners")
    products = make_products(3, category)
    for p in products:
        factories.price(contract, p, "4.00")
    empty = count_queries(client, "/catalogue/")
    for p in products:
        assert client.post(f"/basket/add/{p.pk}/", {"quantity": 2}).status_code == 302
    full, response = page_queries(client, "/catalogue/")
    assert 'id="mini_basket_total"' in response.content.decode()
    assert response.content.decode().count('class="badge badge-light">6<') == 1
    # Session, user, memberships, credit hold: no price list, basket or line.
    assert empty == full <= 4
