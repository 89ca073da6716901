"""A member's catalogue and product pages served whole from the cache: a fixed
few queries, and every change that shows in the page around the content (credit
hold, basket, role, company, membership, the user) shows on the next request."""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from oscar.core.loading import get_model

from accounts.models import Company, Membership
from catalog import listing_cache
from commerce.billing import credit
from commerce.billing.models import CreditAccount
from commerce.core.cache import shared_reads
from tests import factories
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db

User = get_model("accounts", "User")


@pytest.fixture
def shop(db):
    gold = factories.PriceListFactory(name="Gold", code="gold")
    acme = factories.business("Acme", price_tier=gold)
    drill = factories.ProductFactory(title="Drill", upc="D-1", stock=100, stock__price="50.00")
    factories.price(gold, drill, "40.00")
    membership = factories.MembershipFactory(company=acme, role="buyer")
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(membership.user)
    return {"acme": acme, "drill": drill, "membership": membership, "client": client}


def urls(shop) -> list[str]:
    return ["/catalogue/", shop["drill"].get_absolute_url()]


def served_whole(response) -> bool:
    """The page's layout was not rendered: the whole page came from the cache."""
    assert response.status_code == 200
    return "portal/layout.html" not in {t.name for t in response.templates}


def warm(client, url):
    client.get(url)  # opens the member's basket: a new mini-basket version
    client.get(url)
    response = client.get(url)
    assert served_whole(response)
    return response


@pytest.mark.parametrize("which", [0, 1])
def test_a_cached_member_page_costs_no_query_of_its_own(shop, which, settings):
    url = urls(shop)[which]
    warm(shop["client"], url)
    queries, response = page_queries(shop["client"], url)
    assert served_whole(response)
    # No price list, product, basket or banner query of its own. The session, the
    # user and the memberships (with the credit-hold banner) come from the cache
    # with Redis (``accounts.access_cache``), else from the database: three more.
    # (The product page's recently viewed products: tests/catalog/test_recently_viewed.py.)
    assert queries == (0 if settings.ACCESS_SNAPSHOTS else 3)


@pytest.mark.parametrize("which", [0, 1])
def test_a_credit_hold_shows_on_the_next_page_and_its_release_too(shop, which):
    url = urls(shop)[which]
    account = CreditAccount.objects.get(company=shop["acme"])
    assert 'id="credit_hold_banner"' not in warm(shop["client"], url).content.decode()

    credit.credit_hold(account=account, reason="Overdue invoices")
    held = shop["client"].get(url).content.decode()
    assert 'id="credit_hold_banner"' in held
    assert "Overdue invoices" in held

    credit.credit_release_hold(account=account)
    assert 'id="credit_hold_banner"' not in shop["client"].get(url).content.decode()


@pytest.mark.parametrize("which", [0, 1])
def test_a_company_put_on_hold_shows_on_the_next_page(shop, which):
    url = urls(shop)[which]
    warm(shop["client"], url)
    Company.objects.filter(pk=shop["acme"].pk).update(status=Company.Status.ON_HOLD)
    assert "the company is on hold" in shop["client"].get(url).content.decode()


@pytest.mark.parametrize("which", [0, 1])
def test_a_removed_membership_is_refused_on_the_next_request(shop, which):
    url = urls(shop)[which]
    warm(shop["client"], url)
    Membership.objects.filter(pk=shop["membership"].pk).update(is_active=False)
    assert shop["client"].get(url).status_code == 403


@pytest.mark.parametrize("which", [0, 1])
def test_a_deactivated_user_is_signed_out_on_the_next_request(shop, which):
    url = urls(shop)[which]
    warm(shop["client"], url)
    User.objects.filter(pk=shop["membership"].user_id).update(is_active=False)
    response = shop["client"].get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_role_change_shows_on_the_next_page(shop):
    url = "/catalogue/"
    assert "Buyer" in warm(shop["client"], url).content.decode()
    Membership.objects.filter(pk=shop["membership"].pk).update(role="viewer")
    page = shop["client"].get(url).content.decode()
    assert re.search(r'id="signed_in_as">[^<]*Viewer', page)


@pytest.mark.parametrize("which", [0, 1])
def test_a_new_email_shows_on_the_next_page(shop, which):
    url = urls(shop)[which]
    warm(shop["client"], url)
    user = User.objects.get(pk=shop["membership"].user_id)
    user.email = "renamed.buyer@example.com"
    user.save()
    page = shop["client"].get(url).content.decode()
    assert re.search(r'id="signed_in_as">renamed\.buyer@example\.com', page)


@pytest.mark.parametrize("which", [0, 1])
def test_a_renamed_company_shows_on_the_next_page_in_the_switcher_too(shop, which):
    other = factories.business("Bolt Brothers")
    factories.MembershipFactory(company=other, user=shop["membership"].user, role="viewer")
    url = urls(shop)[which]
    assert "Bolt Brothers" in warm(shop["client"], url).content.decode()
    Company.objects.filter(pk=other.pk).update(name="Bolt Sisters")
    page = shop["client"].get(url).content.decode()
    assert "Bolt Sisters" in page and "Bolt Brothers" not in page


def test_the_mini_basket_follows_the_basket(shop):
    url = "/catalogue/"
    warm(shop["client"], url)
    added = shop["client"].post(f"/basket/add/{shop['drill'].pk}/", {"quantity": 3})
    assert added.status_code == 302
    shop["client"].get("/basket/")  # shows the "added" message
    page = shop["client"].get(url).content.decode()
    assert re.search(r'class="badge badge-light">3<', page)
    # A member with a basket still gets whole pages (the message was shown: its
    # cookie, deleted, may come back empty).
    assert re.search(r'class="badge badge-light">3<', warm(shop["client"], url).content.decode())


def test_two_members_of_one_company_never_share_a_page(shop):
    url = "/catalogue/"
    warm(shop["client"], url)
    other = factories.MembershipFactory(company=shop["acme"], role="buyer").user
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(other)
    page = warm(client, url).content.decode()
    assert other.email in page
    assert shop["membership"].user.email not in page


def test_each_response_carries_its_own_csrf_token(shop):
    url = shop["drill"].get_absolute_url()
    warm(shop["client"], url)
    second = Client(HTTP_HOST=settings.PORTAL_HOST, enforce_csrf_checks=True)
    second.force_login(shop["membership"].user)
    html = warm(second, url).content.decode()
    assert listing_cache.CSRF_PLACEHOLDER not in html
    assert listing_cache.NONCE_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    added = second.post(
        f"/basket/add/{shop['drill'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302


def test_waiting_messages_are_shown_not_skipped(shop, rf):
    url = "/catalogue/"
    warm(shop["client"], url)
    # A message waits for the next page (as after a POST that redirects here).
    storage = CookieStorage(rf.get("/"))
    shop["client"].cookies[storage.cookie_name] = storage._encode(
        [Message(messages.SUCCESS, "Saved your list")]
    )
    response = shop["client"].get(url)
    assert not served_whole(response)
    assert "Saved your list" in response.content.decode()


def test_shared_reads_see_a_bump_made_inside_them(shop, rf):
    from django.core.cache import cache

    cache.set("test:shared-reads", "one")
    with shared_reads(rf.get("/")):
        assert cache.get("test:shared-reads") == "one"
        cache.set("test:shared-reads", "two")
        assert cache.get("test:shared-reads") == "two"
        assert cache.get_many(["test:shared-reads", "test:absent"]) == {"test:shared-reads": "two"}
    assert cache.get("test:shared-reads") == "two"


@pytest.mark.parametrize("site", ["portal", "storefront"])
def test_a_member_listing_from_the_cache_costs_two_cache_round_trips(shop, site, monkeypatch):
    """The session's, then the user's entries, the page with them (it waits in
    the member's slot for its URL): no round trip of its own."""
    from django.core.cache import caches

    from commerce.core.cache import FailSoftRedisCache

    if not isinstance(caches["default"], FailSoftRedisCache):
        pytest.skip("the round trips are Redis's")
    client = shop["client"]
    if site == "storefront":
        client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
        client.force_login(shop["membership"].user)
    url = "/catalogue/"
    client.get(url)
    client.get(url)
    calls = []
    real = FailSoftRedisCache._call
    monkeypatch.setattr(
        FailSoftRedisCache,
        "_call",
        lambda self, method, *args, **kwargs: (
            calls.append(method.__name__) or real(self, method, *args, **kwargs)
        ),
    )
    response = client.get(url)
    assert response.status_code == 200
    assert not {"portal/layout.html", "storefront/layout.html"} & {
        t.name for t in response.templates
    }
    assert calls == ["get_many", "get_many"]
