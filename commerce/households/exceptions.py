"""Errors of household accounts (the API and pages show their message)."""

from commerce.core.errors import DomainError


class HouseholdError(DomainError):
    code = "household_error"


class NotHouseholdOwner(HouseholdError):
    code = "not_household_owner"
    status = 403


class AlreadyInHousehold(HouseholdError):
    code = "already_in_household"
    status = 409


class InvitationInvalid(HouseholdError):
    code = "household_invitation_invalid"


class InvitationExpired(HouseholdError):
    code = "household_invitation_expired"


class InvitationUsed(HouseholdError):
    code = "household_invitation_used"
    status = 409


class InvitationWrongAccount(HouseholdError):
    code = "household_invitation_wrong_account"
    status = 403


class InvalidBudget(HouseholdError):
    code = "invalid_budget"
