"""A page of products costs the same number of queries for 1 product as for a full page."""

import pytest
from django.conf import settings

from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

PAGE = settings.OSCAR_PRODUCTS_PER_PAGE


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
