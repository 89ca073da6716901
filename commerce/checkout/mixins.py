from oscar.apps.checkout.mixins import OrderPlacementMixin as OscarOrderPlacementMixin


class OrderPlacementMixin(OscarOrderPlacementMixin):
    def send_order_placed_email(self, order):
        # The order pipeline (commerce.checkout.placement) queues the confirmation
        # when the order commits; the view must not send a second one.
        return None
