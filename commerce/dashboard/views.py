"""The dashboard home: Oscar's shop-wide overview, except for staff scoped to
some companies (sales reps), who get an overview of their own companies."""

from django.db.models import Count
from django.views.generic import TemplateView
from oscar.apps.dashboard import views as oscar_views
from oscar.apps.dashboard.nav import default_access_fn
from oscar.apps.dashboard.views import LoginView  # noqa: F401 - Oscar's, unchanged

from accounts.staff_policy import company_scope, sees_all_companies

# What Oscar's shop-wide overview links to; staff who may not open all of them
# get the home of their role instead (no link that answers 403).
OVERVIEW_LINKS = (
    "dashboard:order-list",
    "dashboard:catalogue-product-list",
    "dashboard:stock-alert-list",
)


class IndexView(oscar_views.IndexView):
    def scoped(self) -> bool:
        return self.request.user.is_staff and not sees_all_companies(self.request.user)

    def sees_overview(self) -> bool:
        user = self.request.user
        return user.is_superuser or all(default_access_fn(user, name) for name in OVERVIEW_LINKS)

    def get_template_names(self):
        if self.scoped():
            return ["oscar/dashboard/index_scoped.html"]
        if not self.sees_overview():
            return ["oscar/dashboard/index_role.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        if not self.scoped():
            return super().get_context_data(**kwargs)
        from accounts.models import Company
        from commerce.dashboard.orders.views import desk_orders

        user = self.request.user
        return TemplateView.get_context_data(
            self,
            companies=company_scope(Company.objects.all(), user, field="")
            .annotate(order_count=Count("orders"))
            .order_by("name"),
            recent_orders=desk_orders(user)[:10],
            **kwargs,
        )
