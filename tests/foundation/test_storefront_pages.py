"""The storefront's pages over HTTP: home, browse, category, product, search, basket, sign-in."""

from decimal import Decimal

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tools():
    return factories.make_category("Hand tools")


@pytest.fixture
def wrench(tools):
    return factories.ProductFactory(
        title="Combination wrench 13 mm", upc="WR-13", stock=7, stock__price="8.40", category=tools
    )


def test_home_shows_categories_and_featured_products(storefront_client, wrench):
    response = storefront_client.get("/")

    assert response.status_code == 200
    assert "Hand tools" in response.content.decode()
    assert "Combination wrench 13 mm" in response.content.decode()


def test_browse_lists_products_with_gross_prices(storefront_client, wrench, settings):
    settings.DEFAULT_TAX_RATE = "0.19"

    response = storefront_client.get("/catalogue/")

    assert response.status_code == 200
    [product] = response.context["products"]
    assert product == wrench
    assert product.purchase.price.quote.unit_display == Decimal("10.00")  # 8.40 + 19 % = 9.996
    assert "€10.00" in response.content.decode()


def test_category_page_lists_products_of_the_category_and_below(storefront_client, tools):
    wrenches = tools.add_child(name="Wrenches")
    in_child = factories.ProductFactory(title="Ring spanner", category=wrenches)
    factories.ProductFactory(title="Elsewhere")

    response = storefront_client.get(tools.get_absolute_url())

    assert response.status_code == 200
    assert list(response.context["products"]) == [in_child]


def test_category_url_with_wrong_slug_redirects_to_the_canonical_one(storefront_client, tools):
    response = storefront_client.get(f"/catalogue/category/wrong-slug_{tools.pk}/")

    assert response.status_code == 301
    assert response["Location"] == tools.get_absolute_url()


def test_unknown_category_is_404(storefront_client):
    assert storefront_client.get("/catalogue/category/nothing_999999/").status_code == 404


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_bad_page_numbers_are_404_not_500(storefront_client, wrench, page):
    assert storefront_client.get(f"/catalogue/?page={page}").status_code == 404


def test_product_page_shows_price_and_stock(storefront_client, wrench):
    response = storefront_client.get(wrench.get_absolute_url())

    assert response.status_code == 200
    assert response.context["product"].purchase.availability.is_available_to_buy
    assert "Combination wrench 13 mm" in response.content.decode()


def test_unpublished_product_is_404(storefront_client):
    hidden = factories.ProductFactory(is_public=False)

    assert storefront_client.get(hidden.get_absolute_url()).status_code == 404


def test_search_finds_by_word_and_by_sku(storefront_client, wrench):
    factories.ProductFactory(title="Claw hammer")

    by_word = storefront_client.get("/search/", {"q": "wrench"})
    by_sku = storefront_client.get("/search/", {"q": "wr-13"})

    assert [p.pk for p in by_word.context["products"]] == [wrench.pk]
    assert [p.pk for p in by_sku.context["products"]] == [wrench.pk]


def test_empty_search_finds_nothing_and_is_not_an_error(storefront_client, wrench):
    response = storefront_client.get("/search/", {"q": ""})

    assert response.status_code == 200
    assert list(response.context["products"]) == []


def test_add_to_basket_and_see_the_basket(storefront_client, wrench):
    added = storefront_client.post(f"/basket/add/{wrench.pk}/", {"quantity": 2})
    basket = storefront_client.get("/basket/")

    assert added.status_code == 302
    assert basket.status_code == 200
    assert basket.context["basket"].num_items == 2
    assert basket.context["basket"].total_incl_tax == Decimal("20.00")


def test_sign_in_page_and_sign_in(storefront_client):
    user = factories.UserFactory(email="shopper@example.com")

    page = storefront_client.get("/accounts/login/")
    signed_in = storefront_client.post(
        "/accounts/login/",
        {
            "login_submit": "1",
            "login-username": user.email,
            "login-password": factories.PASSWORD,
        },
    )

    assert page.status_code == 200
    assert signed_in.status_code == 302
    assert storefront_client.get("/accounts/").wsgi_request.user == user


def test_registration_creates_a_consumer_account(storefront_client):
    response = storefront_client.post(
        "/accounts/register/",
        {
            "email": "new.shopper@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 302
    assert response.wsgi_request.user.email == "new.shopper@example.com"
