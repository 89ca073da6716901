"""The order desk hands staff actions to the status pipeline through the
fulfilment event handler (no ``order.processing`` override is loaded by label)."""

import importlib.util

from commerce.dashboard.orders import views
from commerce.fulfilment.events import EventHandler


def test_both_desk_views_that_act_on_orders_use_the_fulfilment_handler():
    assert views.OrderListView().get_handler_class() is EventHandler
    assert views.OrderDetailView().get_handler_class() is EventHandler
    assert importlib.util.find_spec("commerce.order.processing") is None
