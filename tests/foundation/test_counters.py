"""``commerce.core.counters.add_to_counters``: the one way orders and product-view
batches add to Oscar's counter rows (the lock-order and race tests are in
``tests/orders/test_placement_side_work.py`` and ``tests/catalog/test_product_views.py``)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from commerce.core import counters
from tests import factories

ProductRecord = get_model("analytics", "ProductRecord")

pytestmark = pytest.mark.django_db


def test_adds_to_existing_rows_and_creates_missing_ones_at_zero_first():
    kept, new = factories.ProductFactory(), factories.ProductFactory()
    ProductRecord.objects.create(product=kept, num_views=5, num_purchases=2)

    with transaction.atomic():
        added = counters.add_to_counters(
            ProductRecord, "product_id", "num_views", {new.pk: 3, kept.pk: 4}
        )

    assert added == sorted([kept.pk, new.pk])
    rows = {r.product_id: (r.num_views, r.num_purchases) for r in ProductRecord.objects.all()}
    assert rows == {kept.pk: (9, 2), new.pk: (3, 0)}


def test_a_large_batch_goes_in_chunks_of_a_fixed_number_of_queries(monkeypatch):
    monkeypatch.setattr(counters, "CHUNK", 2)
    products = [factories.ProductFactory() for _ in range(5)]
    counts = {p.pk: i + 1 for i, p in enumerate(products)}

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        counters.add_to_counters(ProductRecord, "product_id", "num_purchases", counts)

    # Per chunk of 2 (3 chunks): insert missing rows, lock them in order, one UPDATE.
    assert len(queries) == 3 * 3
    if connection.features.has_select_for_update:
        locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
        assert len(locks) == 3 and all("ORDER BY" in sql for sql in locks)
    assert dict(ProductRecord.objects.values_list("product_id", "num_purchases")) == counts


def test_nothing_to_add_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert counters.add_to_counters(ProductRecord, "product_id", "num_views", {}) == []
    assert len(queries) == 0
