from commerce.order.exceptions import CheckoutError, PaymentMethodNotAllowed


class InstalmentsNotAvailable(PaymentMethodNotAllowed):
    """The buyer or the basket does not qualify for instalments."""


class InstalmentError(CheckoutError):
    code = "instalment_error"
