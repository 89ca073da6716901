import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalog"

    def ready(self):
        super().ready()
        from catalog.views import RangeDetailView

        self.range_view = RangeDetailView  # range pages honour catalog visibility
        from django.db import transaction
        from oscar.apps.analytics.receivers import receive_product_view
        from oscar.apps.catalogue.signals import product_viewed

        from catalog import imports, menu, pagination, search, versions, visibility  # noqa: F401  (connect cache invalidation)

        search.connect()
        versions.connect()
        from catalog.tasks import record_product_view

        # Oscar writes three analytics rows inside every product page request;
        # the hottest products would serialise on their counter row. Record the
        # view from a Celery task after the response instead. Not an outbox row:
        # a view counter is analytics, and a row per page view would put back
        # the write this avoids; a view lost while the broker is down is fine.
        product_viewed.disconnect(receive_product_view)

        def enqueue_view(sender, product, user, **kwargs):
            user_id = user.pk if user is not None and user.is_authenticated else None
            product_id = product.pk
            transaction.on_commit(
                lambda: record_product_view.delay(product_id, user_id), robust=True
            )

        product_viewed.connect(enqueue_view, weak=False, dispatch_uid="catalog.enqueue_view")
