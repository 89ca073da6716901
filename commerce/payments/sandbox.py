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

Authorizations are kept in the database (``SandboxAuthorization``: ids,
amounts and outcomes, never card data), as a real gateway keeps them on its
side: capture/void/refund work across processes and whatever happens to the
cache. A hold is written outside any transaction (checkout authorizes before
it locks rows), so it survives a rolled-back order and can be voided. Capture,
void and refund lock their row with ``select_for_update`` and may run inside
the caller's transaction; for a sandbox that is acceptable (a real gateway's
state would not roll back with the caller's).
"""

from __future__ import annotations

import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
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
from commerce.payments.models import SandboxAuthorization

TEST_CARDS = {
    "4242424242424242": "approve",
    "4000000000000002": "decline",
    "4000000000000119": "timeout",
    "4000000000003220": "slow",
}
_LAST4 = {outcome: number[-4:] for number, outcome in TEST_CARDS.items()}


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
        SandboxAuthorization.objects.create(authorization_id=authorization_id, amount=amount)
        return Authorization(authorization_id, amount, currency, self.describe(token))

    def _locked(self, authorization_id: str) -> SandboxAuthorization:
        hold = (
            SandboxAuthorization.objects.select_for_update()
            .filter(authorization_id=authorization_id)
            .first()
        )
        if hold is None:
            raise PaymentUnavailable("Unknown authorization.")
        return hold

    @transaction.atomic
    def capture(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        hold = self._locked(authorization_id)
        if hold.void:
            raise PaymentDeclined("This authorization was voided.")
        if amount > hold.amount - hold.captured:
            raise PaymentDeclined("Capture exceeds the authorized amount.")
        hold.captured += amount
        hold.save(update_fields=["captured"])
        return Receipt(f"cap_sandbox_{secrets.token_hex(8)}", amount)

    @transaction.atomic
    def void(self, *, authorization_id: str) -> Receipt:
        hold = self._locked(authorization_id)
        if hold.captured > 0:
            raise PaymentDeclined("A captured payment is refunded, not voided.")
        hold.void = True
        hold.save(update_fields=["void"])
        return Receipt(f"void_sandbox_{secrets.token_hex(8)}", hold.amount)

    @transaction.atomic
    def refund(self, *, authorization_id: str, amount: Decimal) -> Receipt:
        hold = self._locked(authorization_id)
        if amount > hold.captured - hold.refunded:
            raise PaymentDeclined("Refund exceeds the captured amount.")
        hold.refunded += amount
        hold.save(update_fields=["refunded"])
        return Receipt(f"ref_sandbox_{secrets.token_hex(8)}", amount)
