from django.views.generic import TemplateView

from catalog import selectors
from catalog.views import attach_purchase_info

FEATURED_COUNT = 8


class HomeView(TemplateView):
    template_name = "storefront/home.html"

    def get_context_data(self, **kwargs):
        featured = list(selectors.browsable_products()[:FEATURED_COUNT])
        attach_purchase_info(self.request, featured)
        return super().get_context_data(
            featured=featured, categories=selectors.top_level_categories(), **kwargs
        )
