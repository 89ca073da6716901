from django.contrib import messages
from django.utils.translation import ngettext
from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")


class BasketMiddleware(OscarBasketMiddleware):
    """Oscar's basket middleware, with baskets scoped to (site, company).

    Oscar keeps one open basket per user; here a user has one per site and, on
    the portal, one per company, and anonymous cookie baskets are per site.
    """

    def apply_offers_to_basket(self, request, basket):
        """Nothing: promotions and vouchers are priced by the pricing engine
        (``pricing.promotions``), scoped per site, company and tier; Oscar's
        unscoped offers never touch a basket."""

    def get_cookie_key(self, request) -> str:
        return f"{super().get_cookie_key(request)}_{request.channel}"

    def basket_scope(self, request) -> dict:
        return {"site_id": request.site_info.site_id, "company": getattr(request, "company", None)}

    def get_basket(self, request):
        if request._basket_cache is not None:
            return request._basket_cache

        scope = self.basket_scope(request)
        cookie_key = self.get_cookie_key(request)
        cookie_basket = self.get_cookie_basket(cookie_key, request, Basket.open)
        if cookie_basket is not None and cookie_basket.site_id != scope["site_id"]:
            cookie_basket = None
        merged = 0

        if request.user.is_authenticated:
            baskets = list(Basket.open.filter(owner=request.user, **scope).order_by("pk"))
            if baskets:
                basket = baskets[0]
                for other in baskets[1:]:
                    merged += other.num_items
                    self.merge_baskets(basket, other)
            else:
                basket = Basket.open.create(owner=request.user, **scope)
            basket.owner = request.user
            if cookie_basket is not None:
                merged += cookie_basket.num_items
                self.merge_baskets(basket, cookie_basket)
                request.cookies_to_delete.append(cookie_key)
        elif cookie_basket is not None:
            basket = cookie_basket
        else:
            basket = Basket(**scope)

        request._basket_cache = basket
        if merged:
            messages.warning(
                request,
                ngettext(
                    "We have merged %(n)d item from a previous session into your basket.",
                    "We have merged %(n)d items from a previous session into your basket.",
                    merged,
                )
                % {"n": merged},
            )
        return basket
