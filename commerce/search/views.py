from django.utils.translation import gettext as _

from catalog import selectors, visibility
from catalog.views import ProductListView


class FacetedSearchView(ProductListView):
    """Product search on the ORM (Oscar's search URL name, our implementation)."""

    template_name = "oscar/search/results.html"

    def query(self) -> str:
        return self.request.GET.get("q", "")[:200]

    def sort(self):
        value = self.request.GET.get("sort_by")
        return value if value in selectors.SORTS else None

    def get_queryset(self):
        site, company = visibility.request_context(self.request)
        return selectors.search_products(self.query(), site=site, company=company, sort=self.sort())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.query().strip()
        context.update(
            query=query,
            summary=_('Products matching "%(q)s"') % {"q": query} if query else _("Search"),
            sort_by=self.request.GET.get("sort_by", ""),
        )
        return context
