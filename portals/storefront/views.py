from django.views.generic import TemplateView

from accounts import loyalty
from accounts.models import LoyaltyTier
from catalog import selectors
from catalog.views import attach_purchase_info, card_context

FEATURED_COUNT = 8


class HomeView(TemplateView):
    template_name = "storefront/home.html"

    def get_context_data(self, **kwargs):
        featured = list(selectors.browsable_products()[:FEATURED_COUNT])
        attach_purchase_info(self.request, featured)
        return super().get_context_data(
            **card_context(),
            featured=featured,
            categories=selectors.top_level_categories(),
            **kwargs,
        )


class LoyaltyView(TemplateView):
    """The consumer's loyalty tier, what it gives and what the next one takes."""

    template_name = "storefront/account/loyalty.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Loyalty tier",
            active_tab="loyalty",
            standing=loyalty.standing(self.request.user),
            tiers=LoyaltyTier.objects.filter(is_active=True).order_by("rank"),
            **kwargs,
        )
