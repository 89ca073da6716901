"""Oscar's dashboard table base, with one guard: a column is only sortable when
its sort keys exist on the table's queryset.

Oscar declares a few display-only columns (the row checkbox, the actions menu)
without ``orderable=False``; their header link (``?sort=checkbox``) made the
queryset order by a field that does not exist and the page answered 500.
"""

from django.core.exceptions import FieldError
from django.db.models import QuerySet
from oscar.apps.dashboard import tables


class DashboardTable(tables.DashboardTable):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = getattr(self.data, "data", None)
        if not isinstance(queryset, QuerySet):
            return
        for bound in self.columns:
            if not bound.orderable or hasattr(self, f"order_{bound.name}"):
                continue
            keys = [key.bare.replace(".", "__") for key in bound.order_by]
            try:
                # order_by() resolves the names at once, without a query.
                queryset.order_by(*keys)
            except FieldError:
                bound.column.orderable = False
