from django.http import Http404
from oscar.apps.basket.views import BasketAddView as OscarBasketAddView


class BasketAddView(OscarBasketAddView):
    """Oscar's add-to-basket; a product hidden from the buyer is a 404, as on its page."""

    def get_form_kwargs(self):
        if not self.request.basket.strategy.is_visible(self.product):
            raise Http404("No product found")
        return super().get_form_kwargs()
