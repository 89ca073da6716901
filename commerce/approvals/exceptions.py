from commerce.order.exceptions import CheckoutError


class ApprovalError(CheckoutError):
    code = "approval_error"
    status = 409


class NotApprover(ApprovalError):
    """Separation of duties, or no approving role."""

    code = "not_approver"
    status = 403


class AlreadyDecided(ApprovalError):
    code = "already_decided"


class ApprovalExpired(ApprovalError):
    code = "approval_expired"


class InvalidRule(ApprovalError):
    code = "invalid_rule"
    status = 400
