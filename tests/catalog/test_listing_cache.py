"""Listings cached per audience: every kind of change shows on the next request,
audiences never see each other's pages, and a cached page still takes orders."""

import re

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from catalog import listing_cache, product_page
from catalog.versions import bump_catalog_version, catalog_versions
from tests import factories
from tests.catalog.conftest import portal_client_for

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def cards(response) -> dict[str, str]:
    """SKU -> price text of the product cards on a page."""
    assert response.status_code == 200
    html = response.content.decode()
    found = re.findall(
        r'<div class="sku">([^<]+)</div>\s*(?:<div class="price" data-price="([^"]+)")?', html
    )
    return {sku: price for sku, price in found}


@pytest.fixture
def shop(db):
    tools = factories.make_category("Tools")
    gold = factories.PriceListFactory(name="Gold", code="gold")
    company = factories.business("Acme", price_tier=gold)
    drill = factories.ProductFactory(title="Drill", upc="C-1", category=tools, stock__price="50.00")
    saw = factories.ProductFactory(title="Saw", upc="C-2", category=tools, stock__price="30.00")
    entry = factories.price(gold, drill, "40.00")
    return {
        "tools": tools,
        "gold": gold,
        "company": company,
        "drill": drill,
        "saw": saw,
        "entry": entry,
    }


def cached(client, url="/catalogue/") -> dict[str, str]:
    """The cards of ``url``, after making sure the second request is a cache hit."""
    cards(client.get(url))
    response = client.get(url)
    assert from_cache(response)
    return cards(response)


def from_cache(response) -> bool:
    """Served whole from the page cache (no template rendered) or with its listing
    from the fragment cache (the page around it rendered, no product loaded)."""
    context = response.context
    return context is None or ("listing_html" in context and "products" not in context)


def test_a_price_list_entry_edit_shows_on_the_next_portal_list(shop):
    portal = portal_client_for(shop["company"])
    assert cached(portal)["C-1"] == "40.00"
    shop["entry"].unit_price = "35.00"
    shop["entry"].save()
    assert cards(portal.get("/catalogue/"))["C-1"] == "35.00"


def test_a_visibility_change_hides_a_product_from_the_cached_storefront_page_at_once(
    shop, storefront_client
):
    assert "C-2" in cached(storefront_client)
    shop["saw"].visible_to_companies.add(shop["company"])
    assert "C-2" not in cards(storefront_client.get("/catalogue/"))
    assert "C-2" in cards(portal_client_for(shop["company"]).get("/catalogue/"))


def test_a_channel_change_hides_it_too(shop, storefront_client):
    assert "C-2" in cached(storefront_client, "/search/?q=saw")
    shop["saw"].channels = "portal"
    shop["saw"].save()
    assert cards(storefront_client.get("/search/?q=saw")) == {}


def test_stock_product_and_category_changes_show_at_once(shop, storefront_client):
    url = shop["tools"].get_absolute_url()
    cached(storefront_client, url)
    StockRecord.objects.filter(product=shop["saw"]).update(num_in_stock=0)  # bulk: no signal
    bump_catalog_version("stock")
    assert "outofstock" in storefront_client.get(url).content.decode().replace("-", "")
    shop["drill"].title = "Impact drill"
    shop["drill"].save()
    assert "Impact drill" in storefront_client.get(url).content.decode()
    shop["tools"].name = "Workshop tools"
    shop["tools"].save()
    assert "Workshop tools" in storefront_client.get(url).content.decode()


def test_every_kind_of_change_retires_the_key(shop):
    before = catalog_versions()
    for kind in ("product", "stock", "price", "visibility", "promotion", "category"):
        bump_catalog_version(kind)
        after = catalog_versions()
        assert after != before, kind
        before = after
    with pytest.raises(ValueError):
        bump_catalog_version("weather")


def test_audiences_do_not_share_pages(shop, storefront_client):
    portal = portal_client_for(shop["company"])
    assert cached(storefront_client)["C-1"] == "59.50"  # list price with tax
    assert cached(portal)["C-1"] == "40.00"  # the Gold tier, net
    other = factories.business("Plain Co")
    assert cached(portal_client_for(other))["C-1"] == "50.00"
    viewer = portal_client_for(shop["company"], role="viewer")
    assert "Add to basket" not in viewer.get("/catalogue/").content.decode()


def test_a_cached_page_carries_each_visitors_own_csrf_token(shop):
    first = Client(HTTP_HOST=settings.STOREFRONT_HOST, enforce_csrf_checks=True)
    first.get("/catalogue/")
    second = Client(HTTP_HOST=settings.STOREFRONT_HOST, enforce_csrf_checks=True)
    page = second.get("/catalogue/")
    assert page.context is None  # the whole page, from the cache
    html = page.content.decode()
    assert listing_cache.CSRF_PLACEHOLDER not in html
    assert listing_cache.NONCE_PLACEHOLDER not in html
    nonce = re.search(r'<script nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    added = second.post(
        f"/basket/add/{shop['drill'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302


def test_signed_in_and_basket_holding_visitors_get_their_own_page(shop, storefront_client):
    cached(storefront_client)
    storefront_client.post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 1})
    page = storefront_client.get("/catalogue/")
    assert page.context is not None  # a basket of its own: not the shared page
    customer = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    customer.force_login(factories.UserFactory())
    assert customer.get("/catalogue/").context is not None


def test_a_cached_product_page_follows_visibility_at_once(shop, storefront_client):
    def visitor():  # a first visit each time
        return Client(HTTP_HOST=settings.STOREFRONT_HOST)

    url = shop["saw"].get_absolute_url()
    first = visitor().get(url)
    assert first.status_code == 200 and first.context is not None
    assert "oscar_history" in first.cookies
    again = visitor().get(url)
    assert again.status_code == 200 and again.context is None
    history = visitor()
    history.cookies["oscar_history"] = f"[{shop['drill'].pk}]"
    # The whole page too, with this visitor's recently viewed filled in.
    page = history.get(url)
    assert product_page.SHELL not in {t.name for t in page.templates}
    assert 'id="recently_viewed"' in page.content.decode()
    shop["saw"].visible_to_companies.add(shop["company"])
    assert visitor().get(url).status_code == 404


def test_cache_keys_stay_short_and_differ_by_audience(shop, storefront_client, monkeypatch):
    """Keys carry many parts (audience, prices, role, versions, path); they stay
    under memcached's 250 bytes and still tell audiences apart."""
    keys = []
    put = listing_cache.put
    monkeypatch.setattr(listing_cache, "put", lambda key, html: (keys.append(key), put(key, html)))
    storefront_client.get("/catalogue/?sort_by=price_asc&page=1")
    portal_client_for(shop["company"], role="approver").get("/catalogue/?sort_by=price_desc")

    # The storefront visitor's listing and whole page, the approver's listing (their
    # whole page waits in their slot for the URL: ``member_page_slot``).
    assert len(keys) == 3
    assert len(set(keys)) == 3
    assert all(len(key) <= 200 for key in keys), keys
