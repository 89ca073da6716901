from django.db import transaction
from oscar.apps.checkout.mixins import OrderPlacementMixin as OscarOrderPlacementMixin

from commerce.order.tasks import send_order_placed_email


class OrderPlacementMixin(OscarOrderPlacementMixin):
    def send_order_placed_email(self, order):
        # The email goes out from a Celery worker, and only once the order is
        # committed: a rolled-back order never sends a confirmation.
        order_id = order.pk
        transaction.on_commit(lambda: send_order_placed_email.delay(order_id))
