"""Named errors of the accounts domain; views and the API turn them into messages."""

from commerce.core.errors import DomainError


class AccountsError(DomainError):
    """Base class: ``str(error)`` is a message fit to show the user."""

    code = "accounts_error"
    status = 400


class IllegalStatusChange(AccountsError):
    code = "illegal_status_change"
    status = 409


class LastAdminError(AccountsError):
    code = "last_admin"
    status = 409


class InvitationInvalid(AccountsError):
    """Tampered, unknown or superseded link."""

    code = "invitation_invalid"


class InvitationExpired(AccountsError):
    code = "invitation_expired"


class InvitationUsed(AccountsError):
    code = "invitation_used"


class InvitationWrongUser(AccountsError):
    code = "invitation_wrong_user"


class AlreadyMember(AccountsError):
    code = "already_member"
    status = 409


class EmailTaken(AccountsError):
    code = "email_taken"


class NotStaff(AccountsError):
    """Only staff accounts can be assigned to look after a company."""


class StaffCompanyRoleRefused(AccountsError):
    """Only a superuser gives a staff account a role in a customer's company."""

    code = "staff_company_role"


class ShipToUnknown(AccountsError):
    """No active ship-to address of the company has this id."""

    code = "validation_error"


class ShipToNotAllowed(AccountsError):
    """A business order must go to one of the company's ship-to addresses."""

    code = "ship_to_not_allowed"
