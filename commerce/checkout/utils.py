"""The storefront checkout's session (Oscar's ``checkout.utils``): what the
payment step chose, kept between the steps. For a card that is the gateway's
token and its label, never the card details."""

from oscar.apps.checkout.utils import CheckoutSessionData as OscarCheckoutSessionData

from commerce.billing import credit
from commerce.order.models import PaymentMethod


class CheckoutSessionData(OscarCheckoutSessionData):
    def chosen_payment_method(self) -> str:
        return self.payment_method() or PaymentMethod.CARD

    def pay_by_card(self, card, *, instalments: int = 0) -> None:
        """The card, and the number of monthly parts when paying in instalments
        (0: the whole order now)."""
        self._set("payment", "card_token", card.token)
        self._set("payment", "card_label", card.label)
        self._set("payment", "instalments", instalments)
        self.pay_by(PaymentMethod.INSTALMENTS if instalments else PaymentMethod.CARD)

    def chosen_instalments(self) -> int:
        if self.chosen_payment_method() != PaymentMethod.INSTALMENTS:
            return 0
        return int(self._get("payment", "instalments") or 0)

    def card_token(self) -> str | None:
        return self._get("payment", "card_token")

    def card_label(self) -> str | None:
        return self._get("payment", "card_label")

    def forget_card_token(self) -> None:
        self._unset("payment", "card_token")

    def payment_missing(self, user) -> str | None:
        """Why the order cannot be previewed yet (what the buyer must do), or None.
        Paying later that is no longer available falls back to the card."""
        if self.chosen_payment_method() == PaymentMethod.PAY_LATER:
            if credit.pay_later_available(user):
                return None
            self.pay_by(PaymentMethod.CARD)
            return "Paying later is no longer available; please pay by card."
        if not self.card_token():
            return "Please enter your card details."
        return None
