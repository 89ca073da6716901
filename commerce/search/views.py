from django.utils.translation import gettext as _

from catalog import selectors
from catalog.views import ProductListView


class FacetedSearchView(ProductListView):
    """Product search on the ORM (Oscar's search URL name, our implementation)."""

    template_name = "oscar/search/results.html"

    def query(self) -> str:
        return self.request.GET.get("q", "")[:200]

    default_sort = None  # by relevance

    def sort_options(self):
        return [("", _("Relevance")), *super().sort_options()]

    def base_queryset(self, sort):
        return selectors.search_products(self.query(), **self.visibility(), sort=sort)

    def results_scope(self) -> list[str]:
        return [self.query()]

    def shell_context(self) -> dict:
        query = self.query().strip()
        return {
            "query": query,
            "summary": _('Products matching "%(q)s"') % {"q": query} if query else _("Search"),
        }
