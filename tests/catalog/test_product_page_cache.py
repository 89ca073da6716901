"""The product page cached per audience: every change shows on the next request,
two companies never share a page, the visitor's own parts (staff link, stock
alert, CSRF token) are their own, a cache hit (a member's or an anonymous
visitor's whole page) still counts as a view, and stock moves retire cached
pages only when what pages show of stock changes."""

import re

import pytest
from django.conf import settings
from django.test import Client
from oscar.apps.catalogue.signals import product_viewed
from oscar.core.loading import get_model

from catalog import listing_cache, product_page
from catalog.versions import catalog_versions
from tests import factories
from tests.catalog.conftest import portal_client_for
from tests.helpers import page_queries

ProductAlert = get_model("customer", "ProductAlert")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    gold = factories.PriceListFactory(name="Gold", code="gold")
    acme = factories.business("Acme", price_tier=gold)
    drill = factories.ProductFactory(title="Drill", upc="D-1", stock__price="50.00")
    entry = factories.price(gold, drill, "40.00")
    return {"gold": gold, "acme": acme, "drill": drill, "entry": entry}


def price(response) -> str:
    assert response.status_code == 200
    return re.search(r'id="product_price" data-price="([^"]+)"', response.content.decode())[1]


def from_cache(response) -> bool:
    """The page's parts came from the cache (no product loaded), or the whole page
    did (a signed-in member's page: no template rendered)."""
    if product_page.SHELL not in {t.name for t in response.templates}:
        return True
    return "page" in response.context and "product_categories" not in response.context


def cached(client, url):
    client.get(url)
    response = client.get(url)
    assert from_cache(response)
    return response


def test_a_price_entry_edit_shows_on_the_next_portal_product_page(shop):
    portal = portal_client_for(shop["acme"])
    url = shop["drill"].get_absolute_url()
    assert price(cached(portal, url)) == "40.00"
    shop["entry"].unit_price = "35.00"
    shop["entry"].save()
    assert price(portal.get(url)) == "35.00"


def test_a_contract_list_added_later_shows_at_once(shop):
    portal = portal_client_for(shop["acme"])
    url = shop["drill"].get_absolute_url()
    assert price(cached(portal, url)) == "40.00"
    factories.price(factories.contract_list(shop["acme"]), shop["drill"], "33.00")
    assert price(portal.get(url)) == "33.00"


def test_a_visibility_change_hides_the_cached_page_at_once(shop):
    other = factories.business("Other")
    portal = portal_client_for(other)
    url = shop["drill"].get_absolute_url()
    cached(portal, url)
    shop["drill"].visible_to_companies.add(shop["acme"])
    assert portal.get(url).status_code == 404
    assert portal_client_for(shop["acme"]).get(url).status_code == 200


def test_two_companies_on_the_same_prices_never_share_a_page(shop):
    twin = factories.business("Twin", price_tier=shop["gold"])
    url = shop["drill"].get_absolute_url()
    cached(portal_client_for(shop["acme"]), url)
    first = portal_client_for(twin).get(url)
    assert not from_cache(first)
    assert price(first) == "40.00"


def test_roles_do_not_share_a_page(shop):
    url = shop["drill"].get_absolute_url()
    cached(portal_client_for(shop["acme"], role="buyer"), url)
    assert not from_cache(portal_client_for(shop["acme"], role="viewer").get(url))


def test_the_edit_link_is_only_for_staff(shop):
    url = shop["drill"].get_absolute_url()
    staff = portal_client_for(shop["acme"])
    user = staff.session["_auth_user_id"]
    get_model("accounts", "User").objects.filter(pk=user).update(is_staff=True)
    assert "Edit this product" in cached(staff, url).content.decode()
    buyer = portal_client_for(shop["acme"])
    buyer.get(url)
    assert "Edit this product" not in cached(buyer, url).content.decode()


def test_the_stock_alert_is_the_visitors_own(shop):
    out = factories.ProductFactory(title="Saw", stock=0)
    factories.price(shop["gold"], out, "9.00")
    url = out.get_absolute_url()
    watcher = portal_client_for(shop["acme"])
    ProductAlert.objects.create(
        product=out,
        user_id=watcher.session["_auth_user_id"],
        status=ProductAlert.ACTIVE,
    )
    other = portal_client_for(shop["acme"])
    cached(other, url)
    mine = cached(watcher, url).content.decode()
    assert "You have an active stock alert" in mine
    assert 'id="alert_form"' not in mine
    theirs = cached(other, url).content.decode()
    assert 'id="alert_form"' in theirs
    assert product_page.SLOTS["stock_alert"] not in theirs


def test_a_cached_page_carries_each_visitors_own_csrf_token(shop):
    url = shop["drill"].get_absolute_url()
    cached(portal_client_for(shop["acme"]), url)
    second = Client(HTTP_HOST=settings.PORTAL_HOST, enforce_csrf_checks=True)
    second.force_login(factories.MembershipFactory(company=shop["acme"]).user)
    html = cached(second, url).content.decode()
    assert listing_cache.CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    added = second.post(
        f"/basket/add/{shop['drill'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302


def test_a_cache_hit_still_counts_as_a_view(shop):
    seen = []

    def receiver(sender, product, user, **kwargs):
        seen.append((product.pk, user.pk if user.is_authenticated else None))

    product_viewed.connect(receiver, dispatch_uid="test-views")
    try:
        url = shop["drill"].get_absolute_url()
        portal = portal_client_for(shop["acme"])
        cached(portal, url)
    finally:
        product_viewed.disconnect(dispatch_uid="test-views")
    assert seen == [(shop["drill"].pk, int(portal.session["_auth_user_id"]))] * 2
    assert "oscar_history" in portal.cookies


def test_an_anonymous_whole_page_hit_still_counts_as_a_view(shop):
    seen = []

    def receiver(sender, product, user, **kwargs):
        seen.append((product.pk, user.is_authenticated))

    url = shop["drill"].get_absolute_url()
    product_viewed.connect(receiver, dispatch_uid="test-views")
    try:
        rendered = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)
        hit = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)
    finally:
        product_viewed.disconnect(dispatch_uid="test-views")
    assert product_page.SHELL in {t.name for t in rendered.templates}
    assert not hit.templates  # served whole from the cache
    assert seen == [(shop["drill"].pk, False)] * 2
    assert hit.cookies["oscar_history"].value == rendered.cookies["oscar_history"].value


def test_portal_product_page_query_budget_is_constant(shop):
    portal = portal_client_for(shop["acme"])
    url = shop["drill"].get_absolute_url()
    cached(portal, url)
    few, _ = page_queries(portal, url)
    for n in range(5):
        factories.price(shop["gold"], shop["drill"], f"3{n}.00", min_quantity=10 * (n + 1))
    more, response = page_queries(portal, url)
    assert from_cache(response)
    # Session, user, memberships, basket and lines, the credit-hold banner.
    assert few == more <= 6


def test_a_sale_that_leaves_it_plainly_in_stock_keeps_cached_pages(shop):
    record = StockRecord.objects.get(product=shop["drill"])
    record.low_stock_threshold = 5
    record.save()
    before = catalog_versions(("stock",))
    record = StockRecord.objects.get(pk=record.pk)
    record.allocate(3)  # 100 -> 97 free: "In stock" as before
    record.num_in_stock = 90
    record.save()
    assert catalog_versions(("stock",)) == before
    page = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(shop["drill"].get_absolute_url())
    assert "In stock" in page.content.decode()
    assert "available)" not in page.content.decode()


def test_crossing_the_threshold_or_running_out_retires_cached_pages(shop):
    record = StockRecord.objects.get(product=shop["drill"])
    record.low_stock_threshold = 5
    record.num_in_stock = 7
    record.save()
    steps = []
    for in_stock in (6, 5, 4, 0, 3):  # above, crossing, below, out, back in
        before = catalog_versions(("stock",))
        record = StockRecord.objects.get(pk=record.pk)
        record.num_in_stock = in_stock
        record.save()
        steps.append(catalog_versions(("stock",)) != before)
    assert steps == [False, True, True, True, True]
    record = StockRecord.objects.get(pk=record.pk)
    before = catalog_versions(("stock",))
    record.price = "55.00"
    record.save()
    assert catalog_versions(("stock",)) != before
    page = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(shop["drill"].get_absolute_url())
    assert "In stock (3 available)" in page.content.decode()


def test_an_order_through_allocation_bumps_only_when_shown_stock_changes(shop):
    record = StockRecord.objects.get(product=shop["drill"])
    record.low_stock_threshold = 5
    record.num_in_stock = 8
    record.save()
    record = StockRecord.objects.get(pk=record.pk)
    before = catalog_versions(("stock",))
    record.allocate(2)  # 6 free: still above the threshold
    assert catalog_versions(("stock",)) == before
    record.allocate(2)  # 4 free: below it, the page tells the number
    assert catalog_versions(("stock",)) != before


def test_a_member_coming_from_a_search_gets_the_back_button_on_a_cached_page(shop):
    client = portal_client_for(shop["acme"])
    url = shop["drill"].get_absolute_url()
    assert "Back to search results" not in cached(client, url).content.decode()
    search = f"http://{settings.PORTAL_HOST}/search/?q=drill"
    response = client.get(url, HTTP_REFERER=search)
    assert from_cache(response)
    assert "Back to search results" in response.content.decode()
    assert "Back to search results" not in client.get(url).content.decode()


def test_an_anonymous_visitor_who_viewed_products_still_gets_the_whole_page_with_their_own_strip(
    shop,
):
    """The recently-viewed cookie keeps an anonymous visitor on whole pages: the
    product page fills their recently viewed products in per response, and
    listings (which show none) do not depend on it."""
    saw = factories.ProductFactory(title="Circular saw", upc="S-1", stock__price="80.00")
    url = shop["drill"].get_absolute_url()
    first = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    first.get(url)  # rendered and stored
    browsing = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    browsing.get(saw.get_absolute_url())  # now carries the recently-viewed cookie
    assert "oscar_history" in browsing.cookies
    hit = browsing.get(url)
    # Served whole from the cache: only the strip is rendered.
    assert {t.name for t in hit.templates} & {
        product_page.SHELL,
        "oscar/catalogue/detail.html",
    } == set()
    html = hit.content.decode()
    assert 'id="recently_viewed"' in html and "Circular saw" in html
    assert product_page.SLOTS["recently_viewed"] not in html
    stranger = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)
    assert not stranger.templates and 'id="recently_viewed"' not in stranger.content.decode()
    assert "Circular saw" not in stranger.content.decode()
    browsing.get("/catalogue/")
    listing = browsing.get("/catalogue/")
    assert not listing.templates  # the listing too, cookie or not


@pytest.mark.parametrize(
    "cookie",
    ['["x"]', '[{"a": 1}]', "[1e999]", "[99999999999999999999]", "[true]", "[null]", "garbage"],
)
def test_a_tampered_recently_viewed_cookie_shows_no_strip_and_no_error(shop, cookie):
    url = shop["drill"].get_absolute_url()
    Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)  # the whole page, stored
    for visitor in (
        Client(HTTP_HOST=settings.STOREFRONT_HOST),
        portal_client_for(shop["acme"]),
    ):
        visitor.cookies["oscar_history"] = cookie
        for _ in range(2):  # rendered, then from the cache
            response = visitor.get(url)
            assert response.status_code == 200
            assert 'id="recently_viewed"' not in response.content.decode()
