"""Members' drops on every path catalog visibility covers: before, during and
after the early-access window."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from catalog import visibility
from tests import factories
from tests.api.conftest import storefront_api
from tests.members.conftest import make_drop

pytestmark = pytest.mark.django_db


def freeze_time(when):
    """Drops compare their windows with this clock."""
    return mock.patch("commerce.members.drops.timezone.now", return_value=when)


Product = get_model("catalogue", "Product")


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def shop(user=None) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_login(user)
    return client


def test_api_lists_a_drop_product_to_segment_members_only(segment, gold, consumer):
    dropped = factories.ProductFactory(title="Limited jacket")
    public = factories.ProductFactory(title="Plain jacket")
    make_drop(segment, products=[dropped])

    assert ids(storefront_api(gold).get("/api/products/")) == {dropped.pk, public.pk}
    assert ids(storefront_api(consumer).get("/api/products/")) == {public.pk}
    assert ids(storefront_api().get("/api/products/")) == {public.pk}
    assert storefront_api(gold).get(f"/api/products/{dropped.pk}/").status_code == 200
    assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 404
    assert storefront_api().get(f"/api/products/{dropped.pk}/").status_code == 404


def test_before_the_members_window_nobody_sees_it(segment, gold):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped], members_in=2, public_in=5)
    assert storefront_api(gold).get(f"/api/products/{dropped.pk}/").status_code == 404


def test_after_the_public_date_everyone_sees_it(segment, consumer):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped], members_in=-5, public_in=-1)
    assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 200
    assert storefront_api().get(f"/api/products/{dropped.pk}/").status_code == 200


def test_the_window_opens_without_clearing_a_cache(segment, consumer):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped], members_in=-1, public_in=2)
    assert dropped.pk not in ids(storefront_api(consumer).get("/api/products/"))
    with freeze_time(timezone.now() + timedelta(days=3)):
        assert dropped.pk in ids(storefront_api(consumer).get("/api/products/"))


def test_a_members_only_drop_is_never_public(segment, consumer):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped], public_in=None)
    with freeze_time(timezone.now() + timedelta(days=3650)):
        assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 404


def test_a_dropped_category_hides_its_subtree(segment, gold, consumer):
    parent = factories.make_category("Capsule")
    child = factories.make_category("Shoes", parent=parent)
    dropped = factories.ProductFactory(category=child)
    make_drop(segment, categories=[parent])

    assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 404
    assert storefront_api(gold).get(f"/api/products/{dropped.pk}/").status_code == 200
    site, _ = visibility.request_context(
        type("R", (), {"channel": "storefront", "user": consumer})()
    )
    assert parent.pk in visibility.hidden_category_ids(site=site, company=None)


def test_product_page_and_search(segment, gold, consumer):
    dropped = factories.ProductFactory(title="Aurora limited parka")
    make_drop(segment, products=[dropped])
    url = dropped.get_absolute_url()

    assert shop(gold).get(url).status_code == 200
    assert shop(consumer).get(url).status_code == 404
    assert shop().get(url).status_code == 404
    found = storefront_api(gold).get("/api/products/", {"search": "aurora"})
    assert ids(found) == {dropped.pk}
    assert ids(storefront_api(consumer).get("/api/products/", {"search": "aurora"})) == set()


def test_listing_pages_show_the_drop_to_members_only(segment, gold, consumer):
    dropped = factories.ProductFactory(title="Aurora limited parka")
    factories.ProductFactory(title="Everyday parka")
    make_drop(segment, products=[dropped])
    url = "/catalogue/"

    assert "Aurora limited parka" in shop(gold).get(url).content.decode()
    assert "Aurora limited parka" not in shop(consumer).get(url).content.decode()
    # The anonymous page cache must not hand the members' page to a visitor.
    assert "Aurora limited parka" not in shop().get(url).content.decode()


def test_basket_refuses_a_drop_product_to_non_members(segment, gold, consumer):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped])

    refused = storefront_api(consumer).post(
        "/api/basket/lines/", {"product": dropped.pk, "quantity": 1}, format="json"
    )
    accepted = storefront_api(gold).post(
        "/api/basket/lines/", {"product": dropped.pk, "quantity": 1}, format="json"
    )
    assert refused.status_code in (400, 404)
    assert accepted.status_code == 201


def test_audience_key_includes_the_viewers_drops(segment, gold, consumer):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped])
    member = visibility.audience("storefront", gold)
    other = visibility.audience("storefront", consumer)
    assert visibility.audience_key(site=member, company=None) != visibility.audience_key(
        site=other, company=None
    )


@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_product_moved_into_or_out_of_a_drop_shows_at_once_on_cached_pages(
    segment, consumer, change
):
    """The drop's product list is part of what cached listings, counts and pages
    show: adding a product to a closed drop hides it from the next page at once,
    removing it shows it again."""
    jacket = factories.ProductFactory(title="Aurora limited parka")
    factories.ProductFactory(title="Everyday parka")
    drop = make_drop(segment, products=[] if change == "add" else [jacket])
    url = "/catalogue/"
    visitors = [shop, lambda: shop(consumer)]
    before = [("Aurora limited parka" in visit().get(url).content.decode()) for visit in visitors]
    again = [("Aurora limited parka" in visit().get(url).content.decode()) for visit in visitors]
    assert before == again == [change == "add"] * 2  # and now cached
    product_page = jacket.get_absolute_url()
    assert shop().get(product_page).status_code == (200 if change == "add" else 404)
    if change == "add":
        drop.products.add(jacket)
    else:
        drop.products.remove(jacket)
    after = [("Aurora limited parka" in visit().get(url).content.decode()) for visit in visitors]
    assert after == [change == "remove"] * 2
    assert shop().get(product_page).status_code == (404 if change == "add" else 200)
