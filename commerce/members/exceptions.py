"""Errors of the members' shop (the API and pages show their message)."""

from commerce.core.errors import DomainError


class MembersError(DomainError):
    code = "members_error"


class InvitationInvalid(MembersError):
    code = "invitation_invalid"


class InvitationExpired(MembersError):
    code = "invitation_expired"


class InvitationUsedUp(MembersError):
    code = "invitation_used_up"


class InvitationWrongAccount(MembersError):
    code = "invitation_wrong_account"
    status = 403


class InvitingNotAllowed(MembersError):
    code = "inviting_not_allowed"
    status = 403
