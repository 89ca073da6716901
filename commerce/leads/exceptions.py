"""Lead errors (``DomainError``: the API maps them to their status)."""

from commerce.core.errors import DomainError


class LeadError(DomainError):
    code = "lead_error"
    status = 400


class LeadClosed(LeadError):
    """The lead is no longer offered to this dealer (accepted, rejected, lapsed)."""

    code = "lead_closed"
    status = 409


class LeadStepRefused(LeadError):
    """The lead is not in the state this step needs (won before accepted ...)."""

    code = "lead_step_refused"
    status = 409


class SurveyClosed(LeadError):
    code = "survey_closed"
    status = 409
