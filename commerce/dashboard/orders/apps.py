from django.urls import path
from oscar.apps.dashboard.orders import apps
from oscar.core.loading import get_class


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard as the order desk for both sites."""

    name = "commerce.dashboard.orders"

    def ready(self):
        super().ready()
        self.order_edit_view = get_class("dashboard.orders.views", "OrderEditView")

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls(
            [path("<str:number>/edit/", self.order_edit_view.as_view(), name="order-edit")]
        )
        return urls
