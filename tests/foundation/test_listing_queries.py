"""A page of products costs the same number of queries for 1 product as for a full page."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

PAGE = settings.OSCAR_PRODUCTS_PER_PAGE


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (site rows, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill(category, n):
    for _ in range(n):
        product = factories.ProductFactory(category=category)
        product.images.create(original="images/products/x.jpg", display_order=0)


@pytest.fixture
def category():
    return factories.make_category("Fasteners")


@pytest.mark.parametrize("path", ["/catalogue/", "category", "/search/?q=product", "/"])
def test_storefront_listing_queries_do_not_grow_with_products(storefront_client, category, path):
    url = category.get_absolute_url() if path == "category" else path
    fill(category, 1)
    one = count_queries(storefront_client, url)
    fill(category, PAGE)
    full = count_queries(storefront_client, url)

    assert full == one
    assert full <= 12


@pytest.mark.parametrize("path", ["/catalogue/", "category", "/search/?q=product"])
def test_portal_listing_queries_do_not_grow_with_products(portal_buyer_client, category, path):
    url = category.get_absolute_url() if path == "category" else path
    fill(category, 1)
    one = count_queries(portal_buyer_client, url)
    fill(category, PAGE)
    full = count_queries(portal_buyer_client, url)

    assert full == one
    assert full <= 16


def test_product_page_query_budget(storefront_client, category):
    fill(category, 1)
    product = category.product_set.get() if hasattr(category, "product_set") else None
    product = product or factories.ProductFactory(category=category)

    assert count_queries(storefront_client, product.get_absolute_url()) <= 14
