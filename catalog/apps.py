import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalog"

    def ready(self):
        super().ready()
        from catalog.views import RangeDetailView

        self.range_view = RangeDetailView  # range pages honour catalog visibility
        from oscar.apps.analytics.receivers import receive_product_view
        from oscar.apps.catalogue.signals import product_viewed

        from catalog import imports, menu, pagination, search, versions, visibility  # noqa: F401  (connect cache invalidation)

        search.connect()
        versions.connect()
        from catalog import product_views

        # Oscar writes three analytics rows inside every product page request;
        # the hottest products would serialise on their counter row. A view is
        # counted in Redis instead (one round trip) and the counts are applied in
        # batches through the outbox (catalog.product_views).
        product_viewed.disconnect(receive_product_view)
        product_viewed.connect(
            product_views.receive_product_view,
            weak=False,
            dispatch_uid="catalog.product_views",
        )
