"""Oscar's purchase counters for a placed order, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, F, IntegerField, Value, When
from oscar.apps.analytics import receivers
from oscar.core.loading import get_model

ProductRecord = get_model("analytics", "ProductRecord")


def record_order_placed(sender, order, user, raw=False, **kwargs) -> None:
    """What Oscar's ``receive_order_placed`` records: each product's purchases
    (one UPDATE for the products already counted, one INSERT for the others)
    and the buyer's order record."""
    if raw:
        return
    bought: dict[int, int] = defaultdict(int)
    for product_id, quantity in order.lines.values_list("product_id", "quantity"):
        if product_id is not None:
            bought[product_id] += quantity
    if bought:
        counted = set(
            ProductRecord.objects.filter(product_id__in=bought).values_list("product_id", flat=True)
        )
        if counted:
            ProductRecord.objects.filter(product_id__in=counted).update(
                num_purchases=F("num_purchases")
                + Case(
                    *(When(product_id=pk, then=Value(bought[pk])) for pk in counted),
                    output_field=IntegerField(),
                )
            )
        ProductRecord.objects.bulk_create(
            [
                ProductRecord(product_id=pk, num_purchases=n)
                for pk, n in bought.items()
                if pk not in counted
            ],
            ignore_conflicts=True,
        )
    if user and user.is_authenticated:
        receivers._record_user_order(user, order)
