import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "pricing"

    def ready(self):
        super().ready()
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from pricing import price_map_builds  # noqa: F401  (registers the outbox handler)
        from pricing.promotion_models import Promotion
        from pricing.vouchers import forget_promotions

        _replace_stock_alert_receiver()
        # Promotions are read from a cache; any change drops it.
        for signal in (post_save, post_delete):
            signal.connect(forget_promotions, sender=Promotion, dispatch_uid=f"promo-{signal}")
        m2m_changed.connect(
            forget_promotions, sender=Promotion.products.through, dispatch_uid="promo-products"
        )
        from oscar.core.loading import get_model

        from pricing.context import lists_changed

        # A company's lists are cached for page keys; any list write retires them.
        PriceList = get_model("partner", "PriceList")
        for signal in (post_save, post_delete):
            signal.connect(lists_changed, sender=PriceList, dispatch_uid=f"lists-{signal}")


def _replace_stock_alert_receiver() -> None:
    """Oscar's low-stock alert receiver, minus the query per record when the
    writer refreshed the alerts of many records at once (order placement,
    ``commerce.order.stock.allocate_lines``)."""
    from django.db.models.signals import post_save
    from oscar.apps.partner import receivers
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    post_save.disconnect(receivers.update_stock_alerts, sender=StockRecord)

    def update_stock_alerts(sender, instance, created, **kwargs):
        if getattr(instance, "_stock_alerts_refreshed", False):
            return
        receivers.update_stock_alerts(sender, instance, created, **kwargs)

    post_save.connect(
        update_stock_alerts, sender=StockRecord, weak=False, dispatch_uid="stock-alerts"
    )
