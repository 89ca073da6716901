import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "pricing"

    def ready(self):
        super().ready()
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from pricing.promotion_models import Promotion
        from pricing.vouchers import forget_promotions

        # Promotions are read from a cache; any change drops it.
        for signal in (post_save, post_delete):
            signal.connect(forget_promotions, sender=Promotion, dispatch_uid=f"promo-{signal}")
        m2m_changed.connect(
            forget_promotions, sender=Promotion.products.through, dispatch_uid="promo-products"
        )
