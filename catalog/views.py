"""Catalogue views for both sites: browsed from the ORM and priced in bulk.

Oscar's browse and category pages go through haystack, which with the simple
backend lists no products and scans the table twice per page; these views
page through the ORM instead and price the page with one call to the
strategy, so a page costs the same number of queries for 1 or 48 products.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.apps.offer.views import OfferDetailView as OscarOfferDetailView
from oscar.apps.offer.views import RangeDetailView as OscarRangeDetailView
from oscar.core.loading import get_model

from catalog import selectors, visibility
from catalog.pagination import CachedCountPaginator

Category = get_model("catalogue", "Category")


def attach_purchase_info(request, products) -> None:
    """Price a page of products at once and hang the result on each product."""
    strategy = request.strategy
    # They came from a visibility-filtered query: no need to check them again.
    strategy.note_visible(products)
    strategy.prefetch(products)
    for product in products:
        product.purchase = strategy.fetch_for_product(product)


def card_context() -> dict:
    """What every product card needs, computed once per page rather than per card."""
    return {
        "basket_add_prefix": reverse("basket:add", kwargs={"pk": 0})[:-2],
        "add_label": gettext("Add to basket"),
        "quantity_label": gettext("Quantity"),
        "excl_vat_label": gettext("excl. VAT"),
        "unavailable_label": gettext("Unavailable"),
    }


class ProductListView(ListView):
    """A paginated, priced list of products; subclasses choose which."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginator_class = CachedCountPaginator
    summary = _("All products")

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def sort(self) -> str:
        value = self.request.GET.get("sort_by", selectors.DEFAULT_SORT)
        return value if value in selectors.SORTS else selectors.DEFAULT_SORT

    def visibility(self) -> dict:
        site, company = visibility.request_context(self.request)
        return {"site": site, "company": company}

    def get_queryset(self):
        return selectors.browsable_products(**self.visibility(), sort=self.sort())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        products = list(context["products"])
        attach_purchase_info(self.request, products)
        context.update(
            card_context(),
            products=products,
            summary=self.summary,
            sort_by=self.sort(),
            sort_options=[(k, k.title()) for k in selectors.SORTS],
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

    def get_queryset(self):
        return selectors.products_in_category(self.category, **self.visibility(), sort=self.sort())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(category=self.category, summary=self.category.name)
        return context


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page; a product hidden from the buyer is a 404."""

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
            product._visible_recommendations = [p for p in recommended if p.pk in shown]
        if not product.is_parent:
            product.purchase = self.request.strategy.fetch_for_product(product)
        return context


class VisibleProductsMixin:
    """Narrows a product list view's queryset to what the buyer may see."""

    def get_queryset(self):
        site, company = visibility.request_context(self.request)
        return visibility.visible_products(super().get_queryset(), site=site, company=company)


class RangeDetailView(VisibleProductsMixin, OscarRangeDetailView):
    """Oscar's range page (``catalogue:range``)."""


class OfferDetailView(VisibleProductsMixin, OscarOfferDetailView):
    """Oscar's offer page (``offer:detail``), which lists the offer's products."""
