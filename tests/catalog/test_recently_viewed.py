"""The product page's recently viewed products: the listing's cards, newest first,
less the current product and what the viewer may not see, found in the card
cache, so a visitor going from product to product pays no query for the strip."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from catalog import product_page
from tests import factories
from tests.catalog.conftest import portal_client_for
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db


def storefront() -> Client:
    return Client(HTTP_HOST=settings.STOREFRONT_HOST)


def strip(response) -> list[str]:
    """The titles in the visitor's recently viewed strip, in order."""
    assert response.status_code == 200
    html = response.content.decode()
    if 'id="recently_viewed"' not in html:
        return []
    part = html.split('id="recently_viewed"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', part)


def strip_prices(response) -> list[str]:
    part = response.content.decode().split('id="recently_viewed"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'class="price" data-price="([^"]+)"', part)


@pytest.fixture
def shop(db):
    gold = factories.PriceListFactory(name="Gold", code="gold")
    acme = factories.business("Acme", price_tier=gold)
    products = {
        title: factories.ProductFactory(title=title, stock=10, stock__price="50.00")
        for title in ("Drill", "Saw", "Plane", "Sander")
    }
    entry = factories.price(gold, products["Saw"], "40.00")
    return {"acme": acme, "entry": entry, **products}


def test_a_visitor_going_from_product_to_product_gets_the_strip_without_a_query(shop):
    url = shop["Sander"].get_absolute_url()
    storefront().get(url)  # the whole page, stored
    visitor = storefront()
    for title in ("Drill", "Saw", "Plane"):
        visitor.get(shop[title].get_absolute_url())

    queries, response = page_queries(visitor, url)

    assert strip(response) == ["Plane", "Saw", "Drill"]  # newest first, not the Sander
    assert queries == 0
    assert product_page.SLOTS["recently_viewed"] not in response.content.decode()
    assert 'name="csrfmiddlewaretoken" value="' in response.content.decode()
    assert "__csrf" not in response.content.decode().lower()


def test_a_member_gets_their_own_prices_in_the_strip_and_a_price_change_at_once(shop):
    buyer = portal_client_for(shop["acme"])
    buyer.get(shop["Saw"].get_absolute_url())
    url = shop["Drill"].get_absolute_url()

    queries, response = page_queries(buyer, url)
    assert strip(response) == ["Saw"] and strip_prices(response) == ["40.00"]
    assert queries == (0 if settings.ACCESS_SNAPSHOTS else 3)

    shop["entry"].unit_price = "35.00"
    shop["entry"].save()
    assert strip_prices(buyer.get(url)) == ["35.00"]
    anonymous = storefront()
    anonymous.get(shop["Saw"].get_absolute_url())
    assert strip_prices(anonymous.get(url)) == ["59.50"]  # the storefront's own (with VAT)


def test_a_product_the_viewer_may_not_see_gets_no_card_even_when_another_audience_has_it(shop):
    private = factories.ProductFactory(title="Acme only", stock=10)
    private.visible_to_companies.add(shop["acme"])
    hidden = factories.ProductFactory(title="Withdrawn", stock=10, is_public=False)
    url = shop["Drill"].get_absolute_url()
    history = json.dumps([hidden.pk, private.pk, shop["Saw"].pk])

    acme = portal_client_for(shop["acme"])
    acme.cookies["oscar_history"] = history
    assert strip(acme.get(url)) == ["Saw", "Acme only"]  # its card is cached now

    other = portal_client_for(factories.business("Other"))
    visitor = storefront()
    for viewer in (other, visitor, other, visitor):  # rendered, then from the cache
        viewer.cookies["oscar_history"] = history
        assert strip(viewer.get(url)) == ["Saw"]


def test_the_strip_shows_the_six_newest_and_only_products(shop):
    more = [factories.ProductFactory(title=f"Extra {n}", stock=10) for n in range(7)]
    visitor = storefront()
    ids = [shop["Drill"].pk, *[p.pk for p in more], 10**12]  # an id of nothing
    visitor.cookies["oscar_history"] = json.dumps(ids)
    shown = strip(visitor.get(shop["Drill"].get_absolute_url()))
    assert shown == [f"Extra {n}" for n in (6, 5, 4, 3, 2, 1)]


def test_a_visitor_whose_history_is_only_this_product_sees_no_strip_and_no_query(shop):
    url = shop["Drill"].get_absolute_url()
    visitor = storefront()
    queries, response = page_queries(visitor, url)
    assert strip(response) == [] and queries == 0
