"""Staff actions in Oscar's order dashboard (status changes, shipping events)
handed to the status pipeline. The order desk (``commerce.dashboard.orders``)
uses this handler in place of Oscar's ``order.processing.EventHandler``."""

from oscar.apps.order.exceptions import InvalidShippingEvent
from oscar.apps.order.processing import EventHandler as OscarEventHandler
from oscar.apps.payment.exceptions import PaymentError

from commerce.fulfilment.transitions import SHIPPED_EVENT, order_set_status, order_ship
from commerce.order.exceptions import IllegalStatusChange


class StatusChangeRefused(PaymentError):
    """Raised to Oscar's dashboard (which reports PaymentErrors as messages)."""


class EventHandler(OscarEventHandler):
    """Staff actions in Oscar's dashboard go through our transitions, so stock,
    credit, invoices, payments and emails follow the order."""

    def handle_order_status_change(self, order, new_status, note_msg=None):
        try:
            order_set_status(order=order, status=new_status, actor=self.user, note=note_msg or "")
        except IllegalStatusChange as error:
            raise StatusChangeRefused(str(error)) from error

    def handle_shipping_event(self, order, event_type, lines, line_quantities, **kwargs):
        if event_type.name != SHIPPED_EVENT:
            return super().handle_shipping_event(
                order, event_type, lines, line_quantities, **kwargs
            )
        quantities = {
            line.pk: quantity for line, quantity in zip(lines, line_quantities, strict=True)
        }
        try:
            order_ship(order=order, quantities=quantities, actor=self.user)
        except IllegalStatusChange as error:
            raise InvalidShippingEvent(str(error)) from error
