"""A sandbox payment gateway: behaves like a real one, charges nobody.

Test cards (any future expiry, any 3-digit CVC):

* ``4242 4242 4242 4242`` — approved
* ``4000 0000 0000 0002`` — declined
* ``4000 0000 0000 0119`` — the gateway times out
* ``4000 0000 0000 3220`` — approved after a delay (``SANDBOX_SLOW_CARD_MS``, 2 s)

API clients can skip tokenization and send the tokens
``tok_sandbox_approve``, ``tok_sandbox_decline``, ``tok_sandbox_timeout`` or
``tok_sandbox_slow``. ``SANDBOX_GATEWAY_LATENCY_MS`` delays every
authorization (0 by default), to see how checkout behaves with a slow gateway.

Authorizations are kept in the cache (only ids, amounts and outcomes), so
capture/void/refund work across processes with Redis configured.
"""

from __future__ import annotations

import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from commerce.payments.gateway import (
    Authorization,
    CardToken,
    InvalidCard,
    PaymentDeclined,
    PaymentGateway,
    PaymentUnavailable,
    Receipt,
)

TEST_CARDS = {
    "4242424242424242": "approve",
    "4000000000000002": "decline",
    "4000000000000119": "timeout",
    "4000000000003220": "slow",
}
_LAST4 = {outcome: number[-4:] for number, outcome in TEST_CARDS.items()}
_TTL = 60 * 60 * 24 * 30


def _luhn_ok(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class SandboxGateway(PaymentGateway):
    name = "sandbox"

    def tokenize(self, *, number: str, exp_month: int, exp_year: int, cvc: str) -> CardToken:
        digits = "".join(ch for ch in number if ch.isdigit())
        if not 12 <= len(digits) <= 19 or not _luhn_ok(digits):
            raise InvalidCard("That card number is not valid.")
        today = timezone.localdate()
        if not (1 <= exp_month <= 12) or (exp_year, exp_month) < (today.year, today.month):
            raise InvalidCard("The card has expired.")
        if not (cvc.isdigit() and len(cvc) in (3, 4)):
            raise InvalidCard("The security code (CVC) is 3 or 4 digits.")
        outcome = TEST_CARDS.get(digits)
        if outcome is None:
            raise InvalidCard("This is the sandbox: use one of the test card numbers.")
        return CardToken(
            token=f"tok_sandbox_{outcome}_{digits[-4:]}_{secrets.token_hex(6)}",
            brand="Visa",
            last4=digits[-4:],
        )

    def describe(self, token: str) -> CardToken:
        outcome = self._outcome(token)
        parts = token.split("_")
        last4 = parts[3] if len(parts) > 3 else _LAST4[outcome]
        return CardToken(token=token, brand="Visa", last4=last4)

    def _outcome(self, token: str) -> str:
        parts = token.split("_")
        if len(parts) < 3 or parts[:2] != ["tok", "sandbox"] or parts[2] not in _LAST4:
            raise InvalidCard("Unknown card token.")
        return parts[2]

    def authorize(
        self, *, token: str, amount: Decimal, currency: str, reference: str
    ) -> Authorization:
        outcome = self._outcome(token)
        delay_ms = settings.SANDBOX_GATEWAY_LATENCY_MS
        if outcome == "slow":
            delay_ms += settings.SANDBOX_SLOW_CARD_MS
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        if outcome == "decline":
            raise PaymentDeclined("Your card was declined. Please use another card.")
        if outcome == "timeout":
            raise PaymentUnavailable(
                "The payment provider did not answer in time. You have not been charged; "
                "please try again."
            )
        authorization_id = f"auth_sandbox_{secrets.token_hex(8)}"
        cache.set(
            f"sandbox:{authorization_id}",
            {"amount": str(amount), "captured": "0", "refunded": "0", "void": False},
            _TTL,
        )
        return Authorization(authorization_id, amount, currency, self.describe(token))

    def _state(self, authorization_id: str) -> dict:
        state = cache.get(f"sandbox:{authorization_id}")
        if state is None:
            raise PaymentUnavailable("Unknown authorization.")
        return state

    def _save(self, authorization_id: str, state: dict) -> None:
        cache.set(f"sandbox:{authorization_id}", state, _TTL)

    def capture(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        state = self._state(authorization_id)
        if state["void"]:
            raise PaymentDeclined("This authorization was voided.")
        if amount > Decimal(state["amount"]) - Decimal(state["captured"]):
            raise PaymentDeclined("Capture exceeds the authorized amount.")
        state["captured"] = str(Decimal(state["captured"]) + amount)
        self._save(authorization_id, state)
        return Receipt(f"cap_sandbox_{secrets.token_hex(8)}", amount)

    def void(self, *, authorization_id: str) -> Receipt:
        state = self._state(authorization_id)
        if Decimal(state["captured"]) > 0:
            raise PaymentDeclined("A captured payment is refunded, not voided.")
        state["void"] = True
        self._save(authorization_id, state)
        return Receipt(f"void_sandbox_{secrets.token_hex(8)}", Decimal(state["amount"]))

    def refund(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        state = self._state(authorization_id)
        if amount > Decimal(state["captured"]) - Decimal(state["refunded"]):
            raise PaymentDeclined("Refund exceeds the captured amount.")
        state["refunded"] = str(Decimal(state["refunded"]) + amount)
        self._save(authorization_id, state)
        return Receipt(f"ref_sandbox_{secrets.token_hex(8)}", amount)
