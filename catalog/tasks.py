"""Catalogue side effects that must not slow a page down."""

from celery import shared_task
from django.db.models import F
from oscar.core.loading import get_model

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")


def _bump(model, field: str, **lookup) -> None:
    if not model.objects.filter(**lookup).update(**{field: F(field) + 1}):
        model.objects.get_or_create(**lookup, defaults={field: 1})


@shared_task(ignore_result=True)
def record_product_view(product_id: int, user_id: int | None) -> None:
    """Oscar's product-view analytics (counters and the user's view log) for one
    view: how a view is counted without Redis (``catalog.product_views.record``)."""
    _bump(ProductRecord, "num_views", product_id=product_id)
    if user_id is not None:
        _bump(UserRecord, "num_product_views", user_id=user_id)
        UserProductView.objects.create(product_id=product_id, user_id=user_id)


@shared_task(ignore_result=True)
def drain_product_views() -> int:
    """The beat's drain of the views recorded in Redis to the outbox."""
    from catalog.product_views import product_views_drain

    return product_views_drain()
