from commerce.core.errors import DomainError


class QuoteError(DomainError):
    code = "validation_error"
    status = 400


class QuoteNotOpen(QuoteError):
    """The quote's status does not allow this step."""

    code = "quote_not_open"
    status = 409


class QuoteExpired(QuoteError):
    code = "quote_expired"
    status = 409


class NotQuoteParty(QuoteError):
    code = "permission_denied"
    status = 403
