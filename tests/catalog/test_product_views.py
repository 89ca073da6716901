"""Product views are counted in Redis and applied to Oscar's analytics in batches
through the outbox: every product page counts (rendered, cached for an anonymous
visitor, cached for a member), listings never do, a batch is applied exactly
once whatever dies or runs twice, and views of what was deleted meanwhile are
skipped."""

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from oscar.core.loading import get_model

from catalog import product_page, product_views
from commerce.outbox.models import OutboxMessage
from commerce.outbox.registry import handler_for
from tests import factories
from tests.catalog.conftest import portal_client_for

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")

# Views are counted in Redis (a hash per kind, a log, a script): no other cache counts them.
pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def shop(db):
    tools = factories.make_category("Tools")
    acme = factories.business("Acme")
    drill = factories.ProductFactory(title="Drill", upc="V-1", category=tools, stock__price="50.00")
    saw = factories.ProductFactory(title="Saw", upc="V-2", category=tools, stock__price="30.00")
    return {"tools": tools, "acme": acme, "drill": drill, "saw": saw}


def views(product) -> int:
    record = ProductRecord.objects.filter(product=product).first()
    return record.num_views if record else 0


def user_views(user) -> int:
    record = UserRecord.objects.filter(user=user).first()
    return record.num_product_views if record else 0


def redis_keys() -> list[bytes]:
    cache = product_views._redis_cache()
    return cache.run(lambda client: client.keys(cache.make_key("catalog:views:*")), None)


def shell_rendered(response) -> bool:
    assert response.status_code == 200
    return product_page.SHELL in {template.name for template in response.templates}


def drain(committed) -> int:
    with committed():
        return product_views.product_views_drain()


def anonymous_view(url, committed):
    """A first-time storefront visitor (no cookies: the page may come whole from the cache)."""
    with committed():
        return Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url)


def test_anonymous_storefront_views_count_rendered_or_served_whole_from_the_cache(shop, committed):
    url = shop["drill"].get_absolute_url()
    rendered = anonymous_view(url, committed)
    hits = [anonymous_view(url, committed) for _ in range(2)]
    assert shell_rendered(rendered) and not any(map(shell_rendered, hits))  # whole-page hits
    # The recently-viewed cookie, as on the rendered page.
    assert all("oscar_history" in hit.cookies for hit in [rendered, *hits])
    assert views(shop["drill"]) == 0  # not before the drain
    assert drain(committed) == 3
    assert views(shop["drill"]) == 3
    assert not UserProductView.objects.exists()
    assert redis_keys() == []


def test_portal_member_views_count_rendered_or_served_from_the_cache(shop, committed):
    portal = portal_client_for(shop["acme"])
    user = factories.UserFactory._meta.model.objects.get(pk=portal.session["_auth_user_id"])
    url = shop["drill"].get_absolute_url()
    with committed():
        first = portal.get(url)
        second = portal.get(url)
    # The second is the member's page served whole from the cache.
    assert shell_rendered(first) and not shell_rendered(second)
    drain(committed)
    assert views(shop["drill"]) == 2
    assert user_views(user) == 2
    assert (
        list(UserProductView.objects.values_list("product_id", "user_id"))
        == [(shop["drill"].pk, user.pk)] * 2
    )


def test_a_page_found_in_the_cache_is_counted_with_its_read_and_only_once(
    shop, committed, monkeypatch
):
    """The cached page and its view share one round trip: a page served from the
    cache never records its view again, for an anonymous visitor or a member; a
    page rendered records it once. Every response is one view."""
    recorded = []
    real_record = product_views.record
    monkeypatch.setattr(
        product_views, "record", lambda *args: recorded.append(args) or real_record(*args)
    )
    portal = portal_client_for(shop["acme"])
    member = int(portal.session["_auth_user_id"])
    url = shop["drill"].get_absolute_url()
    anonymous = [anonymous_view(url, committed) for _ in range(3)]
    member_pages = []
    for _ in range(4):
        with committed():
            member_pages.append(portal.get(url))
    rendered = [shell_rendered(response) for response in anonymous + member_pages]
    assert rendered[0] and not any(rendered[1:3])  # anonymous: rendered, then whole pages
    assert rendered[3] and not rendered[-1]  # a member's page comes from the cache too
    assert recorded == [
        (shop["drill"].pk, None if i < 3 else member) for i, shown in enumerate(rendered) if shown
    ]
    assert drain(committed) == 7
    assert views(shop["drill"]) == 7
    assert UserRecord.objects.get(user_id=member).num_product_views == 4
    assert UserProductView.objects.filter(user_id=member).count() == 4


def test_a_hidden_or_missing_product_counts_no_view(shop, committed):
    """Only a page found counts with its read: the page of a product that is not
    shown is never stored, so its path reads nothing and counts nothing."""
    hidden = factories.ProductFactory(title="Hidden", upc="V-9", stock__price="9.00")
    hidden.is_public = False
    hidden.save()
    for url in [hidden.get_absolute_url(), "/catalogue/nothing_999999/"]:
        for _ in range(2):
            assert anonymous_view(url, committed).status_code == 404
    assert redis_keys() == []


def test_listing_pages_count_no_views(shop, committed):
    portal = portal_client_for(shop["acme"])
    with committed():
        for url in ["/catalogue/", shop["tools"].get_absolute_url()]:
            for _ in range(2):
                assert Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url).status_code == 200
                assert portal.get(url).status_code == 200
    assert redis_keys() == []
    assert drain(committed) == 0
    assert not ProductRecord.objects.exists()
    assert not OutboxMessage.objects.filter(topic=product_views.TOPIC).exists()


def test_a_rolled_back_request_counts_nothing(shop, committed):
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            product_views.receive_product_view(sender=None, product=shop["drill"], user=None)
            raise RuntimeError("the request failed")
    assert redis_keys() == []


def test_the_drain_applies_counts_exactly(shop, committed):
    alice, bob = factories.UserFactory(), factories.UserFactory()
    ProductRecord.objects.create(product=shop["saw"], num_views=5, num_purchases=2)
    UserRecord.objects.create(user=bob, num_product_views=7, num_orders=1)
    drill, saw = shop["drill"].pk, shop["saw"].pk
    for product_id, user_id in [(drill, None), (drill, alice.pk), (saw, alice.pk), (saw, bob.pk)]:
        product_views.record(product_id, user_id)
    product_views.record(drill, None)
    assert drain(committed) == 5
    assert views(shop["drill"]) == 3
    assert ProductRecord.objects.get(product=shop["saw"]).num_views == 7
    assert ProductRecord.objects.get(product=shop["saw"]).num_purchases == 2
    assert user_views(alice) == 2
    assert UserRecord.objects.get(user=bob).num_product_views == 8
    assert UserRecord.objects.get(user=bob).num_orders == 1
    assert sorted(UserProductView.objects.values_list("product_id", "user_id")) == sorted(
        [(drill, alice.pk), (saw, alice.pk), (saw, bob.pk)]
    )
    assert redis_keys() == []
    assert drain(committed) == 0  # nothing left: no second batch
    assert OutboxMessage.objects.filter(topic=product_views.TOPIC).count() == 1


def test_a_batch_larger_than_the_log_limit_is_drained_over_several_batches(shop, committed):
    user = factories.UserFactory()
    for _ in range(5):
        product_views.record(shop["drill"].pk, user.pk)
    with committed():
        product_views.product_views_drain(rounds=1, log_limit=2)
    assert UserProductView.objects.count() == 2
    assert views(shop["drill"]) == 5  # the counters move whole
    for _ in range(2):
        with committed():
            product_views.product_views_drain(rounds=1, log_limit=2)
    assert UserProductView.objects.count() == 5
    assert user_views(user) == 5
    assert redis_keys() == []


def test_a_drain_that_dies_after_moving_the_keys_loses_nothing(shop, committed):
    cache = product_views._redis_cache()
    product_views.record(shop["drill"].pk, None)
    moved = product_views.batch_cut(cache)  # ... and the worker is killed here
    product_views.record(shop["drill"].pk, None)  # a view after the cut
    again = product_views.batch_cut(cache)
    assert again == moved  # the leftover batch comes first, as it was
    drain(committed)
    assert views(shop["drill"]) == 1
    drain(committed)
    assert views(shop["drill"]) == 2
    assert redis_keys() == []


def test_a_drain_that_dies_after_its_commit_counts_nothing_twice(shop, committed):
    cache = product_views._redis_cache()
    product_views.record(shop["drill"].pk, None)
    product_views.record(shop["saw"].pk, None)
    batch = product_views.batch_cut(cache)
    with committed():
        product_views.batch_emit(batch)  # committed and applied; killed before the delete
    assert views(shop["drill"]) == 1
    product_views.record(shop["drill"].pk, None)
    drain(committed)  # finishes the leftover batch: its outbox row exists already
    assert OutboxMessage.objects.filter(topic=product_views.TOPIC).count() == 1
    assert views(shop["drill"]) == 1 and views(shop["saw"]) == 1
    drain(committed)
    assert views(shop["drill"]) == 2 and views(shop["saw"]) == 1
    assert redis_keys() == []


def test_a_redelivered_batch_counts_once(shop, committed):
    user = factories.UserFactory()
    product_views.record(shop["drill"].pk, user.pk)
    drain(committed)
    message = OutboxMessage.objects.get(topic=product_views.TOPIC)
    handler_for(product_views.TOPIC).func(message)
    assert views(shop["drill"]) == 1
    assert user_views(user) == 1
    assert UserProductView.objects.count() == 1


def test_views_of_products_and_users_deleted_before_the_drain_are_skipped(shop, committed):
    gone_user, user = factories.UserFactory(), factories.UserFactory()
    product_views.record(shop["saw"].pk, user.pk)
    product_views.record(shop["drill"].pk, user.pk)
    product_views.record(shop["drill"].pk, gone_user.pk)
    shop["saw"].delete()
    gone_user.delete()
    drain(committed)
    message = OutboxMessage.objects.get(topic=product_views.TOPIC)
    assert message.status == OutboxMessage.Status.DONE
    assert views(shop["drill"]) == 2
    assert not ProductRecord.objects.exclude(product=shop["drill"]).exists()
    assert user_views(user) == 2
    assert list(UserRecord.objects.values_list("user_id", flat=True)) == [user.pk]
    assert list(UserProductView.objects.values_list("product_id", "user_id")) == [
        (shop["drill"].pk, user.pk)
    ]


def test_without_redis_a_view_is_written_after_its_commit(shop, settings, committed):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    user = factories.UserFactory()
    with committed():
        product_views.receive_product_view(sender=None, product=shop["drill"], user=user)
        assert views(shop["drill"]) == 0  # not before the commit
    assert views(shop["drill"]) == 1
    assert user_views(user) == 1
    assert UserProductView.objects.count() == 1


def test_the_command_and_the_beat_drain_the_views(shop, committed):
    from celery import current_app

    product_views.record(shop["drill"].pk, None)
    out = StringIO()
    with committed():
        call_command("drain_product_views", stdout=out)
    assert out.getvalue().strip() == "Moved 1 product view(s) to the outbox."
    assert views(shop["drill"]) == 1
    task = settings.CELERY_BEAT_SCHEDULE["drain-product-views"]["task"]
    assert task in current_app.tasks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_while_views_come_in_count_each_view_once():
    drill = factories.ProductFactory(title="Drill", upc="V-9", stock__price="50.00")
    user = factories.UserFactory()
    errors = []
    recording = threading.Event()
    recording.set()
    barrier = threading.Barrier(3)

    def record() -> None:
        barrier.wait()
        for _ in range(200):
            product_views.record(drill.pk, user.pk)
            product_views.record(drill.pk, None)
        recording.clear()

    def drain_while_recording() -> None:
        try:
            barrier.wait()
            while recording.is_set():
                product_views.product_views_drain()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record)] + [
        threading.Thread(target=drain_while_recording) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    product_views.product_views_drain()
    assert errors == []
    assert views(drill) == 400
    assert user_views(user) == 200
    assert UserProductView.objects.count() == 200
    assert OutboxMessage.objects.filter(topic=product_views.TOPIC).count() > 1
    assert redis_keys() == []
