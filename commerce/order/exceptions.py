"""Named checkout errors. ``str(error)`` is a message for the buyer; ``code`` is
stable for the API."""

from commerce.core.errors import DomainError


class CheckoutError(DomainError):
    code = "checkout_error"
    status = 400


class EmptyBasket(CheckoutError):
    code = "empty_basket"

    def __init__(self):
        super().__init__("Your basket is empty.")


class BasketInvalid(CheckoutError):
    code = "basket_invalid"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Please check your basket: " + " ".join(problems))

    def details(self):
        return {"problems": self.problems}


class OutOfStock(CheckoutError):
    code = "out_of_stock"
    status = 409

    def __init__(self, short: list[tuple[str, int, int]]):
        self.short = short
        parts = [
            f"{title}: {wanted} wanted, {available} available"
            if available
            else f"{title}: sold out"
            for title, wanted, available in short
        ]
        super().__init__("Not enough stock. " + "; ".join(parts) + ". Nothing was charged.")

    def details(self):
        return {
            "short": [
                {"product": title, "wanted": wanted, "available": available}
                for title, wanted, available in self.short
            ]
        }


class ApprovalRequired(CheckoutError):
    """The caller asked not to place an order that would wait for approval."""

    code = "approval_required"
    status = 409

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(
            "This order needs approval (" + "; ".join(reasons) + "); it was not placed."
        )

    def details(self):
        return {"reasons": self.reasons}


class PriceChanged(CheckoutError):
    code = "price_changed"
    status = 409

    def __init__(self, seen, now):
        self.seen, self.now = seen, now
        super().__init__(
            f"Prices changed since you reviewed your order (total was {seen}, now {now}). "
            "Please review it again."
        )


class PONumberRequired(CheckoutError):
    code = "po_number_required"

    def __init__(self, company_name: str):
        super().__init__(f"{company_name} requires a PO number on every order.")


class PaymentMethodNotAllowed(CheckoutError):
    code = "payment_method_not_allowed"


class InvalidShipping(CheckoutError):
    code = "invalid_shipping"


class IdempotencyConflict(CheckoutError):
    code = "idempotency_conflict"
    status = 422

    def __init__(self):
        super().__init__(
            "This Idempotency-Key was already used with a different request. Use a new key."
        )


class IllegalStatusChange(CheckoutError):
    code = "illegal_status_change"
    status = 409


class StockShortForShipment(IllegalStatusChange):
    """A warehouse holds fewer units than it reserved for the order (its stock
    was lowered after the order was placed): nothing is shipped."""

    code = "stock_short_for_shipment"

    def __init__(self, title: str, warehouse: str, wanted: int, in_stock: int):
        super().__init__(
            f"{title}: {warehouse} has {in_stock} in stock, {wanted} needed for this shipment. "
            "Correct the stock level first; nothing was shipped."
        )


class VoucherNotUsable(CheckoutError):
    """A voucher on the basket cannot be used (expired, limit reached, not for this buyer)."""

    code = "voucher_invalid"
