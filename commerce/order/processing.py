from oscar.apps.order.processing import EventHandler as OscarEventHandler
from oscar.apps.payment.exceptions import PaymentError

from commerce.order.exceptions import IllegalStatusChange
from commerce.order.transitions import order_set_status


class StatusChangeRefused(PaymentError):
    """Raised to Oscar's dashboard (which reports PaymentErrors as messages)."""


class EventHandler(OscarEventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        """Staff status changes in Oscar's dashboard go through our transitions,
        so stock, payments and emails follow the status."""
        try:
            order_set_status(order=order, status=new_status, actor=self.user, note=note_msg or "")
        except IllegalStatusChange as error:
            raise StatusChangeRefused(str(error)) from error
