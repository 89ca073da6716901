"""The payment gateway interface.

A gateway authorizes an amount on a tokenized card, and later captures,
voids or refunds it. Card data never reaches our database or logs: browsers
(or API clients) hand us a token; only the token's brand and last four digits
are kept. The gateway in use is ``settings.PAYMENT_GATEWAY`` (a dotted path);
``SandboxGateway`` is the test double shipped with the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from commerce.core.errors import DomainError


class PaymentError(DomainError):
    """Base class: ``str(error)`` is safe to show the buyer."""

    code = "payment_error"
    status = 400


class PaymentDeclined(PaymentError):
    """The card issuer said no (expected, the buyer can use another card)."""

    code = "payment_declined"
    status = 402


class PaymentUnavailable(PaymentError):
    """The gateway failed or did not answer in time; nothing was charged."""

    code = "payment_unavailable"
    status = 503


class InvalidCard(PaymentError):
    """The card details could not be tokenized (number, expiry, CVC)."""

    code = "invalid_card"


@dataclass(frozen=True)
class CardToken:
    token: str
    brand: str
    last4: str

    @property
    def label(self) -> str:
        return f"{self.brand} ending {self.last4}"


@dataclass(frozen=True)
class Authorization:
    id: str
    amount: Decimal
    currency: str
    card: CardToken


@dataclass(frozen=True)
class Receipt:
    """The outcome of a capture, void or refund."""

    id: str
    amount: Decimal


class PaymentGateway:
    name = "abstract"

    def tokenize(self, *, number: str, exp_month: int, exp_year: int, cvc: str) -> CardToken:
        """Turn card details into a token (what a browser-side library does)."""
        raise NotImplementedError

    def describe(self, token: str) -> CardToken:
        """Brand and last four digits of a token, for display."""
        raise NotImplementedError

    def authorize(
        self, *, token: str, amount: Decimal, currency: str, reference: str
    ) -> Authorization:
        raise NotImplementedError

    def capture(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        raise NotImplementedError

    def void(self, *, authorization_id: str) -> Receipt:
        raise NotImplementedError

    def refund(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        raise NotImplementedError


@cache
def _gateway_class(path: str):
    return import_string(path)


def get_gateway() -> PaymentGateway:
    return _gateway_class(settings.PAYMENT_GATEWAY)()
