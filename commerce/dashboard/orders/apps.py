from oscar.apps.dashboard.orders import apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard as the order desk for both sites."""

    name = "commerce.dashboard.orders"
