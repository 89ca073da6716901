"""Consumer order history: Oscar's pages, limited to the person's storefront
orders (their company orders live in the portal)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from oscar.apps.customer import views as oscar_views
from oscar.core.loading import get_model

from commerce.dealers.selectors import fulfilment_of_order
from commerce.instalments.selectors import plan_of_order
from commerce.order.models import PaymentMethod

Order = get_model("order", "Order")


class OrderHistoryView(oscar_views.OrderHistoryView):
    def get_queryset(self):
        return super().get_queryset().filter(site_id=settings.STOREFRONT_SITE_ID)


class OrderDetailView(oscar_views.OrderDetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Order,
            user=self.request.user,
            number=self.kwargs["order_number"],
            site_id=settings.STOREFRONT_SITE_ID,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fulfilment"] = fulfilment_of_order(self.object)
        if context["fulfilment"]["by"] == "dealer":
            context["dealer_company"] = self.object.dealer_routing.dealer.company
        plan = None
        if self.object.payment_method == PaymentMethod.INSTALMENTS:
            plan = plan_of_order(self.object)
        if plan is not None:
            context["instalment_plan"] = plan
            context["instalment_parts"] = list(plan.instalments.all())
        return context


class OrderLineView(oscar_views.OrderLineView):
    def get_object(self, queryset=None):
        order = get_object_or_404(
            Order,
            user=self.request.user,
            number=self.kwargs["order_number"],
            site_id=settings.STOREFRONT_SITE_ID,
        )
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])
