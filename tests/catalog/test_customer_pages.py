"""A signed-in customer's storefront pages served whole from the cache, like a
portal member's: a fixed few queries, and every change that shows in the page
around the content (the basket, the staff flag) or in it (their loyalty prices)
shows on the next request; two customers never share a page."""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client

from accounts.models import CustomerLoyalty, LoyaltyTier
from catalog import listing_cache
from commerce.members.models import MembersPrice, Segment, SegmentMember
from tests import factories
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    drill = factories.ProductFactory(title="Drill", upc="D-1", stock=100, stock__price="50.00")
    user = factories.UserFactory(email="ann@example.com")
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return {"drill": drill, "user": user, "client": client}


def urls(shop) -> list[str]:
    return ["/catalogue/", shop["drill"].get_absolute_url()]


def served_whole(response) -> bool:
    """The storefront's layout was not rendered: the whole page came from the cache."""
    assert response.status_code == 200
    return "storefront/layout.html" not in {t.name for t in response.templates}


def warm(client, url):
    client.get(url)  # may open the customer's basket: a new mini-basket version
    client.get(url)
    response = client.get(url)
    assert served_whole(response)
    return response


def badge(response) -> str | None:
    found = re.search(r'class="badge badge-light">(\d+)<', response.content.decode())
    return found[1] if found else None


@pytest.mark.parametrize("which", [0, 1])
def test_a_customer_page_is_served_whole_with_a_fixed_few_queries(shop, which):
    url = urls(shop)[which]
    warm(shop["client"], url)
    queries, response = page_queries(shop["client"], url)
    assert served_whole(response)
    html = response.content.decode()
    assert 'id="account_link"' in html and 'id="logout_link"' in html
    assert listing_cache.CSRF_PLACEHOLDER not in html
    # The session, user and standing (loyalty tier, segments) from the cache with
    # Redis (``accounts.access_cache``), else from the database.
    assert queries == (0 if settings.ACCESS_SNAPSHOTS else 4)


@pytest.mark.parametrize("which", [0, 1])
def test_the_mini_basket_follows_the_basket(shop, which):
    url = urls(shop)[which]
    assert badge(warm(shop["client"], url)) is None
    added = shop["client"].post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 3})
    assert added.status_code == 302
    shop["client"].get("/basket/")  # shows the "added" message
    page = shop["client"].get(url)
    assert badge(page) == "3"
    assert "178.50" in page.content.decode()  # 3 x 50.00 + 19 % VAT
    assert badge(warm(shop["client"], url)) == "3"


def test_two_customers_never_share_a_page(shop):
    url = "/catalogue/"
    shop["client"].post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 2})
    shop["client"].get("/basket/")
    assert badge(warm(shop["client"], url)) == "2"
    other = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    other.force_login(factories.UserFactory(email="bob@example.com"))
    assert badge(warm(other, url)) is None
    anonymous = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url).content.decode()
    assert 'id="logout_link"' not in anonymous


def test_a_staff_flag_shows_and_goes_on_the_next_page(shop):
    url = "/catalogue/"
    assert "/dashboard/" not in warm(shop["client"], url).content.decode()
    shop["user"].is_staff = True
    shop["user"].save()
    assert "/dashboard/" in shop["client"].get(url).content.decode()
    shop["user"].is_staff = False
    shop["user"].save()
    assert "/dashboard/" not in shop["client"].get(url).content.decode()


def test_a_loyalty_tier_shows_its_prices_on_the_next_page(shop):
    url = shop["drill"].get_absolute_url()
    page = warm(shop["client"], url).content.decode()
    assert 'data-price="59.50"' in page
    gold = LoyaltyTier.objects.create(name="Gold", code="gold", rank=2, discount_percent=10)
    CustomerLoyalty.objects.create(user=shop["user"], tier=gold)
    assert 'data-price="53.55"' in shop["client"].get(url).content.decode()


def test_signing_out_leaves_the_customer_page_behind(shop):
    url = "/catalogue/"
    warm(shop["client"], url)
    shop["client"].logout()
    page = shop["client"].get(url).content.decode()
    assert 'id="login_link"' in page and 'id="logout_link"' not in page


def test_waiting_messages_are_shown_not_skipped(shop, rf):
    url = "/catalogue/"
    warm(shop["client"], url)
    storage = CookieStorage(rf.get("/"))
    shop["client"].cookies[storage.cookie_name] = storage._encode(
        [Message(messages.SUCCESS, "Saved your list")]
    )
    response = shop["client"].get(url)
    assert not served_whole(response)
    assert "Saved your list" in response.content.decode()


@pytest.mark.parametrize("which", [0, 1])
def test_an_anonymous_visitor_with_a_basket_sees_it_on_every_page(shop, which):
    """The basket cookie is named per site: such a visitor never gets the page
    cached for visitors without a basket (which shows an empty one)."""
    url = urls(shop)[which]
    Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)  # the whole anonymous page, stored
    visitor = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    assert visitor.post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 2}).status_code == 302
    visitor.get("/basket/")  # shows the "added" message
    for _ in range(2):
        assert badge(visitor.get(url)) == "2"


def basket_visitor(shop, quantity=2) -> Client:
    visitor = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    added = visitor.post(f"/basket/add/{shop['drill'].pk}/", {"quantity": quantity})
    assert added.status_code == 302
    visitor.get("/basket/")  # shows the "added" message
    return visitor


@pytest.mark.parametrize("which", [0, 1])
def test_an_anonymous_visitor_with_a_basket_gets_whole_pages_of_their_own(shop, which):
    url = urls(shop)[which]
    visitor = basket_visitor(shop)
    queries, response = page_queries(visitor, url)
    assert served_whole(response) and badge(response) == "2"
    assert queries == 0
    # Their basket changes: the next page shows it.
    visitor.post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 1})
    visitor.get("/basket/")
    assert badge(visitor.get(url)) == "3"
    assert badge(warm(visitor, url)) == "3"
    # Two visitors with baskets never share a page; nor does one without.
    assert badge(warm(basket_visitor(shop, quantity=5), url)) == "5"
    assert badge(Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)) is None


def test_a_forged_basket_cookie_gets_no_one_elses_page(shop):
    url = "/catalogue/"
    owner = basket_visitor(shop, quantity=4)
    assert badge(warm(owner, url)) == "4"
    basket_id = owner.cookies["oscar_open_basket_storefront"].value.split(":")[0]
    for forged in (basket_id, f"{basket_id}:forged", f"{basket_id}:"):
        stranger = Client(HTTP_HOST=settings.STOREFRONT_HOST)
        stranger.cookies["oscar_open_basket_storefront"] = forged
        for _ in range(2):
            response = stranger.get(url)
            assert response.status_code == 200 and badge(response) is None


def test_a_tier_discount_edit_shows_on_the_next_page(shop):
    url = shop["drill"].get_absolute_url()
    gold = LoyaltyTier.objects.create(name="Gold", code="gold", rank=2, discount_percent=10)
    CustomerLoyalty.objects.create(user=shop["user"], tier=gold)
    assert 'data-price="53.55"' in warm(shop["client"], url).content.decode()
    gold.discount_percent = 20
    gold.save()
    assert 'data-price="47.60"' in shop["client"].get(url).content.decode()
    gold.is_active = False
    gold.save()
    assert 'data-price="59.50"' in shop["client"].get(url).content.decode()


def test_joining_and_leaving_a_segment_shows_its_prices_on_the_next_page(shop):
    url = shop["drill"].get_absolute_url()
    club = Segment.objects.create(name="Club", slug="club")
    MembersPrice.objects.create(segment=club, product=shop["drill"], unit_price="30.00")
    assert 'data-price="59.50"' in warm(shop["client"], url).content.decode()
    member = SegmentMember.objects.create(segment=club, user=shop["user"], source="staff")
    assert 'data-price="35.70"' in shop["client"].get(url).content.decode()
    assert 'data-price="35.70"' in warm(shop["client"], url).content.decode()
    member.delete()
    assert 'data-price="59.50"' in shop["client"].get(url).content.decode()


def test_a_tier_joining_a_segment_reaches_its_customers_on_the_next_page(shop):
    url = shop["drill"].get_absolute_url()
    silver = LoyaltyTier.objects.create(name="Silver", code="silver", rank=1)
    CustomerLoyalty.objects.create(user=shop["user"], tier=silver)
    club = Segment.objects.create(name="Club", slug="club")
    MembersPrice.objects.create(segment=club, product=shop["drill"], unit_price="30.00")
    assert 'data-price="59.50"' in warm(shop["client"], url).content.decode()
    club.loyalty_tiers.add(silver)
    assert 'data-price="35.70"' in shop["client"].get(url).content.decode()
