"""Reads of catalogue pages go to the read replica, everything else to the primary.

The ``replica`` alias is a test mirror of ``default`` (same database, its own
connection), so each query's alias is visible in that connection's log.
"""

import pytest
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from commerce.core import replica
from tests import factories, helpers

Order = get_model("order", "Order")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def _replica_on(settings):
    settings.READ_REPLICA = True
    replica.reset_replica_health()
    yield
    replica.reset_replica_health()
    connections["replica"].close()


@pytest.fixture
def product(db):
    return factories.ProductFactory(
        title="Replica drill", category=factories.make_category("Drills"), stock=50
    )


class Queries:
    """The queries a block ran, per alias."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def sql(self, alias):
        ctx = self.primary if alias == "default" else self.replica
        return [q["sql"] for q in ctx.captured_queries]


def _reads_product_from(queries, alias):
    return any('FROM "catalogue_product"' in sql for sql in queries.sql(alias))


def test_product_category_search_and_list_pages_read_the_replica(storefront_client, product):
    category = product.categories.first()
    for url in (
        product.get_absolute_url(),
        category.get_absolute_url(),
        "/catalogue/",
        "/search/?q=drill",
        "/api/products/",
        f"/api/products/{product.pk}/",
    ):
        with Queries() as queries:
            response = storefront_client.get(url)
        assert response.status_code == 200, url
        assert _reads_product_from(queries, "replica"), url
        assert not _reads_product_from(queries, "default"), url


def test_without_the_setting_everything_reads_the_primary(settings, storefront_client, product):
    settings.READ_REPLICA = False
    with Queries() as queries:
        assert storefront_client.get(product.get_absolute_url()).status_code == 200
    assert queries.sql("replica") == []
    assert _reads_product_from(queries, "default")


def test_basket_and_checkout_never_read_the_replica(storefront_client, product):
    with Queries() as queries:
        response = helpers.checkout(
            storefront_client, product, quantity=2, guest_email="g@example.com"
        )
        storefront_client.get("/basket/")
    assert response.status_code == 302, response.content[:500]
    assert queries.sql("replica") == []
    assert Order.objects.filter(lines__product=product).count() == 1


def test_account_and_dashboard_pages_read_the_primary(storefront_client, product):
    client = storefront_client
    staff = factories.StaffFactory(is_superuser=True)
    client.force_login(staff)
    with Queries() as queries:
        assert client.get(f"/dashboard/catalogue/products/{product.pk}/").status_code == 200
        assert client.get("/accounts/").status_code in (200, 302)
    assert queries.sql("replica") == []


def test_after_a_write_the_same_client_reads_its_own_writes_from_the_primary(
    storefront_client, product
):
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert replica.STICKY_COOKIE in storefront_client.cookies

    with Queries() as queries:
        assert storefront_client.get(product.get_absolute_url()).status_code == 200
    assert queries.sql("replica") == []

    # Once the window has passed (the cookie gone), the replica again.
    del storefront_client.cookies[replica.STICKY_COOKIE]
    with Queries() as queries:
        assert storefront_client.get(product.get_absolute_url()).status_code == 200
    assert _reads_product_from(queries, "replica")


def test_a_forged_sticky_cookie_is_ignored(storefront_client, product):
    storefront_client.cookies[replica.STICKY_COOKIE] = "1"
    with Queries() as queries:
        assert storefront_client.get(product.get_absolute_url()).status_code == 200
    assert _reads_product_from(queries, "replica")


def test_inside_a_transaction_and_for_update_reads_go_to_the_primary(product):
    Product = type(product)
    router = replica.ReplicaRouter()
    token = replica._state.set(replica._RequestState())
    try:
        assert router.db_for_read(Product) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Product) == "default"
        assert Product.objects.select_for_update().db == "default"
        assert Product.objects.all().db == "replica"
        # What an order is made of never comes from the replica.
        basket_model = product.basket_lines.model
        assert router.db_for_read(basket_model) == "default"
    finally:
        replica._state.reset(token)
    assert Product.objects.all().db == "default"


def test_replica_down_falls_back_to_the_primary(storefront_client, product):
    connections["replica"].close()
    replica_settings = connections["replica"].settings_dict
    saved_port = replica_settings.get("PORT")
    replica_settings["PORT"] = "1"  # nothing listens there
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            response = storefront_client.get(product.get_absolute_url())
            listing = storefront_client.get("/api/products/")
        never_connected = connections["replica"].connection is None
    finally:
        replica_settings["PORT"] = saved_port
        connections["replica"].close()
    assert response.status_code == 200
    assert listing.status_code == 200
    assert never_connected
    assert any('FROM "catalogue_product"' in q["sql"] for q in primary.captured_queries)


def test_replica_failing_mid_request_reruns_the_page_on_the_primary(
    monkeypatch, storefront_client, product
):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("replica went away")

    connections["replica"].ensure_connection()
    monkeypatch.setattr(connections["replica"], "create_cursor", broken_cursor)
    with Queries() as queries:
        response = storefront_client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert b"Replica drill" in response.content
    assert _reads_product_from(queries, "default")
