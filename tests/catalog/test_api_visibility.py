"""Catalog visibility over the REST API: the list, search, SKU filter, category
filter, product detail (404) and basket add see exactly what the pages see."""

import pytest

from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api
from tests.catalog.conftest import EXPECTED

pytestmark = pytest.mark.django_db
AUDIENCES = list(EXPECTED)


@pytest.fixture
def callers(world):
    def member(company):
        return factories.MembershipFactory(company=company, role="buyer").user

    return {
        "consumer": storefront_api(factories.UserFactory()),
        "A": portal_api(member(world.a)),
        "B": portal_api(member(world.b)),
        "Gold": portal_api(member(world.g)),
    }


def listed(client, **params) -> set[str]:
    response = client.get("/api/products/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return {product["title"] for product in response.json()["results"]}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_product_list_shows_each_audience_what_the_pages_show(callers, audience):
    assert listed(callers[audience]) == EXPECTED[audience]
    assert listed(callers[audience], search="Widget") == EXPECTED[audience]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_hidden_product_is_a_404_and_cannot_be_added(world, callers, audience):
    client = callers[audience]
    for product in vars(world.p).values():
        detail = client.get(f"/api/products/{product.pk}/")
        added = client.post(
            "/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json"
        )
        if product.title in EXPECTED[audience]:
            assert detail.status_code == 200
            assert added.status_code == 201, added.content[:300]
        else:
            assert_error(detail, 404, "not_found")
            assert added.status_code in (400, 404), added.content[:300]
            assert added.json()["code"] in ("validation_error", "not_found")
    lines = client.get("/api/basket/lines/").json()["results"]
    assert {line["sku"] for line in lines} == {
        p.upc for p in vars(world.p).values() if p.title in EXPECTED[audience]
    }


def test_an_exact_sku_or_category_filter_does_not_reveal_a_hidden_product(world, callers):
    secret = world.p.secret
    assert listed(callers["A"], sku=secret.upc) == set()
    assert listed(callers["B"], sku=secret.upc) == {secret.title}
    assert listed(callers["A"], category=world.secret.pk) == set()
    assert listed(callers["B"], category=world.secret.pk) == {secret.title}
