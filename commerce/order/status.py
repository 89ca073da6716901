"""Order statuses: the one place they are named.

Status changes go through Oscar's ``Order.set_status``, which checks a move
against ``OSCAR_ORDER_STATUS_PIPELINE`` (built from ``PIPELINE`` below) and
records it as an ``OrderStatusChange``.
"""

PENDING_APPROVAL = "Pending approval"
PLACED = "Placed"
PROCESSING = "Processing"
SHIPPED = "Shipped"
COMPLETED = "Completed"
REJECTED = "Rejected"
CANCELLED = "Cancelled"

ALL = (PENDING_APPROVAL, PLACED, PROCESSING, SHIPPED, COMPLETED, REJECTED, CANCELLED)

PIPELINE = {
    PENDING_APPROVAL: (PLACED, REJECTED, CANCELLED),
    PLACED: (PROCESSING, CANCELLED),
    PROCESSING: (SHIPPED, CANCELLED),
    SHIPPED: (COMPLETED,),
    COMPLETED: (),
    REJECTED: (),
    CANCELLED: (),
}

# When an order moves to one of these, its lines follow.
CASCADE = {
    PLACED: PLACED,
    PROCESSING: PROCESSING,
    SHIPPED: SHIPPED,
    COMPLETED: COMPLETED,
    REJECTED: REJECTED,
    CANCELLED: CANCELLED,
}

# Orders in these statuses are finished: nothing more happens to them.
FINAL = frozenset({COMPLETED, REJECTED, CANCELLED})
