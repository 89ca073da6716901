"""Named errors of order editing; the API and pages turn them into messages."""

from __future__ import annotations

from commerce.core.errors import DomainError


class OrderEditError(DomainError):
    code = "order_edit_error"
    status = 400


class OrderNotEditable(OrderEditError):
    """The order is past the point where it may change (or not for this person)."""

    code = "order_not_editable"
    status = 409


class OrderChanged(OrderEditError):
    """Someone changed the order since the editor looked at it."""

    code = "order_changed"
    status = 409

    def __init__(self, number: str):
        super().__init__(
            f"Order {number} was changed meanwhile (edited, approved or shipped). "
            "Nothing was changed; look at it again and redo your edit."
        )


class EditInvalid(OrderEditError):
    code = "edit_invalid"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Please check your changes: " + " ".join(problems))

    def details(self):
        return {"problems": self.problems}


class CardNeeded(OrderEditError):
    """A higher total on a card order needs the card authorised again."""

    code = "card_required"
    status = 402


class PaymentAlreadyTaken(OrderEditError):
    code = "payment_taken"
    status = 409
