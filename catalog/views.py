"""Catalogue views for both sites: browsed from the ORM and priced in bulk.

Oscar's browse and category pages go through haystack, which with the simple
backend lists no products and scans the table twice per page; these views
page through the ORM instead and price the page with one call to the
strategy, so a page costs the same number of queries for 1 or 48 products.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from django.views.generic.base import ContextMixin, TemplateResponseMixin
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.apps.offer.views import OfferDetailView as OscarOfferDetailView
from oscar.apps.offer.views import RangeDetailView as OscarRangeDetailView
from oscar.core.loading import get_model

from catalog import (
    cards,
    facets,
    listing_cache,
    price_map,
    product_page,
    product_views,
    selectors,
    visibility,
)
from catalog.pagination import CachedCountPaginator
from commerce.core.templatetags.money import money

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


class ProductListView(listing_cache.AnonymousPageCacheMixin, ListView):
    """A paginated, priced, filterable list of products; subclasses choose which.

    Filters and facets: ``catalog.facets``. A price sort orders the ids of the
    results by the viewer's prices (the audience's price map, ``catalog.price_map``)
    and loads only the page's products; other sorts load only the page, the total
    and the facet counts coming from the result set's cached summary.

    With a map that is not current (rebuilding in the background) or none yet,
    the page's products are re-checked at their live prices: a price filter
    drops those outside its range, a price sort orders the page by them; such a
    page is not stored in the listing or page caches.
    """

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginator_class = CachedCountPaginator
    summary = _("All products")
    default_sort = selectors.DEFAULT_SORT

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def get_template_names(self):
        # Our own template: no fallback named after the queryset's model (asking for
        # it would build the results).
        return TemplateResponseMixin.get_template_names(self)

    def get(self, request, *args, **kwargs):
        self.cache_key = listing_cache.key(request, view=type(self).__name__, **self.visibility())
        cached = listing_cache.get(self.cache_key)
        if cached is None:
            return super().get(request, *args, **kwargs)
        self.object_list = None
        context = ContextMixin.get_context_data(self, **self.shell_context())
        context.update(self.page_placeholders())
        context["listing_html"] = (
            cached if self.page_cache_key else listing_cache.fill(cached, request)
        )
        return self.render_to_response(context)

    def shell_context(self) -> dict:
        """What the page around the listing needs (title, breadcrumbs)."""
        return {"summary": self.summary}

    def sort(self) -> str | None:
        value = self.request.GET.get("sort_by", self.default_sort)
        if value in selectors.SORTS or value in facets.PRICE_SORTS:
            return value
        return self.default_sort

    def sort_options(self) -> list[tuple[str, str]]:
        return [(k, k.title()) for k in selectors.SORTS] + [
            ("price_asc", gettext("Price: low to high")),
            ("price_desc", gettext("Price: high to low")),
        ]

    def visibility(self) -> dict:
        site, company = visibility.request_context(self.request)
        return {"site": site, "company": company}

    def base_queryset(self, sort):
        return selectors.browsable_products(**self.visibility(), sort=sort)

    def filters(self) -> facets.Filters:
        if not hasattr(self, "_filters"):
            self._filters = facets.Filters.from_query(self.request.GET)
        return self._filters

    def price_map(self) -> price_map.PriceMap | None:
        if not hasattr(self, "_price_map"):
            self._price_map = facets.catalog_prices(self.request.strategy, **self.visibility())
        return self._price_map

    @property
    def prices_current(self) -> bool:
        found = self.price_map()
        return found is not None and found.fresh

    def prices(self, queryset) -> dict:
        """Prices for a price filter or sort: the map's, or before any map exists the
        live prices of the first results (``price_map.live_prices``, bounded)."""
        if not hasattr(self, "_prices"):
            found = self.price_map()
            if found is not None:
                self._prices = found.prices
            else:
                self._prices = price_map.live_prices(self.request.strategy, queryset)
        return self._prices

    def get_queryset(self):
        """The results, built only if something reads them: a listing whose summary
        and page are cached under ``results_key`` needs no query at all."""
        return SimpleLazyObject(self.build_queryset)

    def build_queryset(self):
        sort = self.sort()
        queryset = self.base_queryset(None if sort in facets.PRICE_SORTS else sort)
        return facets.apply(queryset, self.filters(), self.prices)

    def live_checked(self, ids: list[int]) -> list[int]:
        """The page's products as a map that is not current would mislead: outside a
        price filter's range at their live prices dropped, a price sort redone."""
        filters, sort = self.filters(), self.sort()
        if self.prices_current or not (filters.needs_prices or sort in facets.PRICE_SORTS):
            return ids
        strategy = self.request.strategy
        live = {}  # product id -> its live display price (None: not for sale)
        for product in cards.load(self.request, ids):
            quote = strategy.quote(product)
            live[product.pk] = quote.unit_display if quote.exists else None
        shown = [pk for pk in ids if pk in live]
        if filters.needs_prices:
            shown = [pk for pk in shown if filters.price_in_range(live[pk])]
        if sort in facets.PRICE_SORTS:
            priced = [pk for pk in shown if live[pk] is not None]
            priced.sort(key=lambda pk: (live[pk], pk), reverse=facets.PRICE_SORTS[sort])
            shown = priced + [pk for pk in shown if live[pk] is None]
        return shown

    def results_scope(self) -> list[str]:
        """What narrows this view's results besides the filters (a category, a query)."""
        return []

    def results_key(self) -> str:
        """What the results depend on (not the URL): the view and its scope, the
        filters, the visibility and price audiences, the price map the price
        buckets and a price range were taken from, the language and the catalog
        and search-vocabulary versions."""
        if not hasattr(self, "_results_key"):
            found = self.price_map()
            self._results_key = facets.results_key(
                [
                    type(self).__name__,
                    *self.results_scope(),
                    repr(self.filters().as_params()),
                    visibility.audience_key(**self.visibility()),
                    self.request.strategy.price_audience(),
                    "none" if found is None else found.tag,
                ]
            )
        return self._results_key

    def result_summary(self) -> dict:
        """Counts over the results (``facets.summary``, cached per result set)."""
        if not hasattr(self, "_summary"):
            self._summary = facets.cached_summary(
                self.results_key(),
                lambda: facets.summary(
                    self.object_list,
                    self.price_map(),  # its prices loaded on a cache miss only
                    hidden_categories=visibility.hidden_category_ids(**self.visibility()),
                    price_audience=self.request.strategy.price_audience(),
                    ids=getattr(self, "_ids", None),
                ),
            )
        return self._summary

    def paginate_queryset(self, queryset, page_size):
        """The page as product ids (the cards come from ``catalog.cards``)."""
        sort = self.sort()
        if sort not in facets.PRICE_SORTS:
            # Only the page's ids (cached per results, sort and page): the total comes
            # with the (cached) summary.
            pages = facets.CachedPages(f"{self.results_key()}:{sort}", queryset)
            paginator, page, _list, is_paginated = super().paginate_queryset(pages, page_size)
        else:
            self._ids = facets.result_ids(queryset)
            ordered = facets.sort_by_price(
                self._ids, self.prices(queryset), descending=facets.PRICE_SORTS[sort]
            )
            paginator, page, _list, is_paginated = super().paginate_queryset(ordered, page_size)
        page.object_list = list(page.object_list)
        return paginator, page, page.object_list, is_paginated

    def get_paginator(self, queryset, per_page, **kwargs):
        if isinstance(queryset, list):
            return Paginator(queryset, per_page, **kwargs)
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.__dict__["count"] = self.result_summary()["count"]  # no count query of its own
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = self.live_checked(list(context["products"]))
        params = [
            (key, value)
            for key in self.request.GET
            for value in self.request.GET.getlist(key)
            if key != "page"
        ]
        currency = self.request.strategy.context.currency
        groups = facets.facets(
            self.result_summary(),
            self.filters(),
            params,
            money=lambda amount: money(amount, currency),
        )
        context.update(cards.card_context())
        context.update(self.shell_context())
        context.update(
            # The objects for templates that want them, loaded only if read.
            products=cards.lazy_products(self.request, ids),
            sort_by=self.sort() or "",
            sort_options=self.sort_options(),
            facet_groups=groups,
            filter_params=self.filters().as_params(),
            clear_filters_url="?" + urlencode([(k, v) for k, v in params if k in ("q", "sort_by")]),
            has_filters=bool(self.filters().as_params()),
        )
        context["cards"] = cards.cards(self.request, ids, **self.visibility(), context=context)
        fragment = render_to_string(
            "catalog/partials/listing.html",
            {**context, "csrf_token": listing_cache.CSRF_PLACEHOLDER},
            request=self.request,
        )
        if self.prices_current:
            listing_cache.put(self.cache_key, fragment)
        else:
            self.store_page = False  # until the price map is current
        context.update(self.page_placeholders())
        context["listing_html"] = (
            mark_safe(fragment)  # noqa: S308 - our own render; filled when the page is stored
            if self.page_cache_key
            else listing_cache.fill(fragment, self.request)
        )
        return context


class CatalogueView(ProductListView):
    pass


class ProductCategoryView(ProductListView):
    template_name = "catalog/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category.objects.browsable(), pk=self.kwargs["pk"])
        if self.category.pk in visibility.hidden_category_ids(**self.visibility()):
            raise Http404("No category found")
        expected = self.category.get_absolute_url()
        if request.path != expected:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{expected}?{query}" if query else expected)
        return super().get(request, *args, **kwargs)

    def base_queryset(self, sort):
        return selectors.products_in_category(self.category, **self.visibility(), sort=sort)

    def results_scope(self) -> list[str]:
        return [str(self.category.pk)]

    def shell_context(self) -> dict:
        return {"category": self.category, "summary": self.category.name}


class ProductDetailView(listing_cache.AnonymousPageCacheMixin, OscarProductDetailView):
    """Oscar's product page; a product hidden from the buyer is a 404. Its parts are
    cached per audience (``catalog.product_page``) and filled per visitor; served
    whole from the cache to anonymous storefront visitors (``catalog.listing_cache``)."""

    def get(self, request, *args, **kwargs):
        self.parts_key = product_page.key(request)
        parts = product_page.get(self.parts_key)
        if parts is None:
            return super().get(request, *args, **kwargs)
        self.parts = parts
        response = self.render_to_response({"view": self})
        # Receivers (view counts, the recently-viewed cookie) need only its id.
        self.send_signal(request, response, product_page.product_by_id(parts["product_id"]))
        return response

    def get_queryset(self):
        site, company = visibility.request_context(self.request)
        products = visibility.visible_products(super().get_queryset(), site=site, company=company)
        return selectors.for_listing(products)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = context["product"]
        self.request.strategy.note_visible([product])
        recommended = product.sorted_recommended_products
        if recommended:
            site, company = visibility.request_context(self.request)
            shown = visibility.visible_ids(recommended, site=site, company=company)
            recommended = [p for p in recommended if p.pk in shown]
        product._visible_recommendations = list(recommended)
        if not product.is_parent:
            product.purchase = self.request.strategy.fetch_for_product(product)
        context["product_categories"] = list(product.get_categories())
        return context

    def get_alert_status(self):
        return False  # the visitor's own: filled per response (catalog.product_page)

    def get_alert_form(self):
        return None

    def render_to_response(self, context, **response_kwargs):
        if not hasattr(self, "parts"):
            self.parts = product_page.render_parts(self.get_template_names(), context, self.request)
            product_page.put(self.parts_key, self.parts)
        whole_page = bool(self.page_cache_key) and not self.member_page
        page = product_page.fill(
            self.parts, self.request, whole_page=whole_page, keep_slots=self.member_page
        )
        shell = {**context, "page": page, **self.page_placeholders()}
        return self.response_class(
            request=self.request,
            template=[product_page.SHELL],
            context=shell,
            using=self.template_engine,
            **response_kwargs,
        )

    def cached_page_extra(self) -> dict:
        return {"product_id": self.parts["product_id"]}

    def fill_cached_page(self, stored: dict) -> str:
        return product_page.fill_slots(
            stored["html"], self.request, product_id=stored["product_id"]
        )

    member_page_slots = False  # read with its view counted (``cached_page``)

    def cached_page(self, key: str) -> dict | None:
        # The page is stored under its path, which names the product: the view of
        # a page found is counted in the same round trip as its read.
        user = self.request.user
        return product_views.cached_page_counted(
            key,
            product_id=int(self.kwargs["pk"]),
            user_id=user.pk if user.is_authenticated else None,
            request=self.request,
        )

    def serve_cached_page(self, stored: dict, *, member: bool):
        response = super().serve_cached_page(stored, member=member)
        # Still a product view (view counts, the recently-viewed cookie), for an
        # anonymous visitor's whole page as for a member's.
        self.send_signal(self.request, response, product_page.product_by_id(stored["product_id"]))
        return response


class VisibleProductsMixin:
    """Narrows a product list view's queryset to what the buyer may see."""

    def get_queryset(self):
        site, company = visibility.request_context(self.request)
        return visibility.visible_products(super().get_queryset(), site=site, company=company)


class RangeDetailView(VisibleProductsMixin, OscarRangeDetailView):
    """Oscar's range page (``catalogue:range``)."""


class OfferDetailView(VisibleProductsMixin, OscarOfferDetailView):
    """Oscar's offer page (``offer:detail``), which lists the offer's products."""
