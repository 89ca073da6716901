"""Where a business order goes, as both checkout doors (portal page, API) ask
it: the rule is ``accounts.addresses.ship_to_for_order``; this records its
outcome on the order."""

from __future__ import annotations

from oscar.core.loading import get_model

from accounts.addresses import ShipTo

OrderNote = get_model("order", "OrderNote")

ONE_OFF_NOTE = "Shipped to a one-off address, not one of the company's ship-to addresses."


def one_off_address_record(*, order, ship_to: ShipTo, actor) -> None:
    """An order sent to a one-off address says so on the order desk: a system
    note (which nobody can edit or delete) on the order."""
    if not ship_to.one_off:
        return
    OrderNote.objects.create(
        order=order, user=actor, note_type=OrderNote.SYSTEM, message=ONE_OFF_NOTE
    )


def one_off_address_recorded(order) -> bool:
    return order.notes.filter(note_type=OrderNote.SYSTEM, message=ONE_OFF_NOTE).exists()
