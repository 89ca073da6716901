"""Dealer errors (``DomainError``: the API maps them to their status)."""

from commerce.core.errors import DomainError


class DealerError(DomainError):
    code = "dealer_error"
    status = 400


class OfferClosed(DealerError):
    """The offer was already accepted, rejected, lapsed or withdrawn."""

    code = "offer_closed"
    status = 409


class DealerStepRefused(DealerError):
    """The order is not in the state this step needs (ship before accept ...)."""

    code = "dealer_step_refused"
    status = 409


class NotADealer(DealerError):
    code = "not_a_dealer"
    status = 403


class UnknownSkus(DealerError):
    code = "unknown_sku"

    def __init__(self, skus: list[str]):
        self.skus = skus
        super().__init__("Unknown SKU: " + ", ".join(skus) + ". Nothing was changed.")

    def details(self):
        return {"skus": self.skus}
