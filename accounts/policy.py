"""The permission policy: what each company role may do in the portal.

This module is the only place that interprets roles and company status.
Views, the API and templates ask ``can``/``require``; nothing else compares
roles.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from accounts import acting
from accounts.exceptions import StaffCompanyRoleRefused
from accounts.models import Company, Membership
from commerce.core.errors import DomainError

Role = Membership.Role


class Action(StrEnum):
    VIEW_CATALOG = "view_catalog"
    PLACE_ORDER = "place_order"
    VIEW_ORDERS = "view_orders"
    APPROVE_ORDERS = "approve_orders"
    VIEW_INVOICES = "view_invoices"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ADDRESSES = "manage_addresses"
    MANAGE_RULES = "manage_rules"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.VIEW_CATALOG: "Browse the catalog at your company's prices",
    Action.PLACE_ORDER: "Place orders",
    Action.VIEW_ORDERS: "See the company's orders",
    Action.APPROVE_ORDERS: "Approve or reject other people's orders",
    Action.VIEW_INVOICES: "See invoices and statements",
    Action.MANAGE_MEMBERS: "Invite and manage users",
    Action.MANAGE_ADDRESSES: "Manage ship-to and bill-to addresses",
    Action.MANAGE_RULES: "Manage approval rules and budgets",
}


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.APPROVER: frozenset(
        {
            Action.VIEW_CATALOG,
            Action.PLACE_ORDER,
            Action.VIEW_ORDERS,
            Action.APPROVE_ORDERS,
            Action.VIEW_INVOICES,
        }
    ),
    Role.BUYER: frozenset({Action.VIEW_CATALOG, Action.PLACE_ORDER, Action.VIEW_ORDERS}),
    Role.VIEWER: frozenset({Action.VIEW_CATALOG, Action.VIEW_ORDERS, Action.VIEW_INVOICES}),
}

# Company statuses that let members into the portal at all.
_PORTAL_STATUSES = {Company.Status.PENDING, Company.Status.ACTIVE, Company.Status.ON_HOLD}
# A pending company browses but may not order; an on-hold one orders by card only
# (the on-account restriction is enforced by billing).
_ORDERING_STATUSES = {Company.Status.ACTIVE, Company.Status.ON_HOLD}


class NotAllowed(DomainError):
    """The member's role or the company's status does not allow this action."""

    code = "permission_denied"
    status = 403

    def __init__(self, action: Action, reason: str):
        super().__init__(reason)
        self.action = action
        self.reason = reason

    def details(self):
        return {"action": str(self.action)}


def admits_to_portal(membership: Membership | None) -> bool:
    """Active members of companies that are not closed may use the portal."""
    return bool(
        membership is not None
        and membership.is_active
        and membership.user.is_active
        and membership.company.status in _PORTAL_STATUSES
    )


# What a staff member acting on a member's behalf (``accounts.acting``) never
# does, whatever the member's role: decide purchases, change members, roles,
# addresses, rules, limits and budgets.
ACTING_FORBIDDEN = frozenset(
    {Action.APPROVE_ORDERS, Action.MANAGE_MEMBERS, Action.MANAGE_ADDRESSES, Action.MANAGE_RULES}
)


def acting_reason(what: str) -> str | None:
    """Why ``what`` is refused in an assisted session, or None outside one."""
    current = acting.current()
    if current is None:
        return None
    return (
        f"You are acting on behalf of {display_name(current.membership.user)}: "
        f"only they can {what}."
    )


class ActingOnBehalfRefused(DomainError):
    """A staff member acting for a member tried what only the member may do."""

    code = "acting_on_behalf"
    status = 403

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def require_own_identity(what: str) -> None:
    """Refuse ``what`` (API tokens, passwords, emails) in an assisted session:
    the member's credentials are never the staff member's to change."""
    reason = acting_reason(what)
    if reason is not None:
        raise ActingOnBehalfRefused(reason)


def display_name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def denial_reason(membership: Membership | None, action: Action | str) -> str | None:
    """Why ``membership`` may not do ``action``, or None if it may (never, in an
    assisted session, one of ``ACTING_FORBIDDEN``)."""
    refusal = _refusal(membership, Action(action))
    return refusal() if refusal is not None else None


def _refusal(membership: Membership | None, action: Action) -> Callable[[], str] | None:
    """``denial_reason``'s answer, not yet worded (every portal page asks ``can``)."""
    if not admits_to_portal(membership):
        return lambda: "Your company account does not give you access to the business portal."
    assert membership is not None
    if action in ACTING_FORBIDDEN:
        reason = acting_reason(ACTION_LABELS[action][0].lower() + ACTION_LABELS[action][1:])
        if reason is not None:
            return lambda: reason
    if action not in ROLE_ACTIONS[membership.role]:
        return lambda: (
            f"Your role ({membership.get_role_display()}) does not allow this. Ask a company admin."
        )
    if action == Action.APPROVE_ORDERS and membership.user.is_staff:
        # Separation of duties: the back office never decides a customer's purchases.
        return lambda: (
            "Staff accounts never approve a customer's orders, whatever their company role."
        )
    if action == Action.PLACE_ORDER and membership.company.status not in _ORDERING_STATUSES:
        return lambda: (
            f"{membership.company.name} is awaiting approval; ordering opens once it is approved."
        )
    return None


def can(membership: Membership | None, action: Action | str) -> bool:
    action = Action(action)
    # The role's table first: the cheapest refusal, and the one most members
    # meet (every portal page asks whether its member may approve).
    if membership is not None and action not in ROLE_ACTIONS.get(membership.role, ()):
        return False
    return _refusal(membership, action) is None


def require(membership: Membership | None, action: Action | str) -> None:
    """Raise ``NotAllowed`` unless ``membership`` may do ``action``."""
    reason = denial_reason(membership, action)
    if reason is not None:
        raise NotAllowed(Action(action), reason)


def allowed_actions(membership: Membership | None) -> frozenset[Action]:
    return frozenset(a for a in Action if can(membership, a))


def roles_that_may(action: Action | str) -> list[str]:
    """The company roles whose table allows ``action`` (for queries over members)."""
    action = Action(action)
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def members_who_may(company: Company, action: Action | str):
    """The active members of ``company`` whose role allows ``action``."""
    return Membership.objects.filter(
        company=company, role__in=roles_that_may(action), is_active=True, user__is_active=True
    )


def is_company_admin(membership: Membership | None) -> bool:
    """An active admin of their company (who may, e.g., withdraw anyone's order)."""
    return bool(membership is not None and membership.is_active and membership.role == Role.ADMIN)


def company_admins(company: Company):
    """The company's active admins (a company always keeps one, ``accounts.services``)."""
    return Membership.objects.filter(
        company=company, role=Role.ADMIN, is_active=True, user__is_active=True
    )


# Management actions that back-office staff may take on any company.
STAFF_MANAGED = frozenset({Action.MANAGE_MEMBERS, Action.MANAGE_ADDRESSES, Action.MANAGE_RULES})


def require_for_company(user, company: Company, action: Action | str) -> None:
    """``user`` may do ``action`` to ``company``: as staff in the back office, or
    as a member whose role (and company status) allows it."""
    action = Action(action)
    if user.is_authenticated and user.is_staff and action in STAFF_MANAGED:
        return
    membership = (
        Membership.objects.select_related("company", "user")
        .filter(user=user, company=company)
        .first()
        if user.is_authenticated
        else None
    )
    require(membership, action)


def require_may_give_company_role(*, actor, user) -> None:
    """Only a superuser gives ``user`` a role in a company (adds them, changes
    their role, reactivates them) when ``user`` is a staff account: back-office
    staff never make themselves or each other a customer's admin or approver."""
    if not user.is_staff:
        return
    if actor is not None and actor.is_authenticated and actor.is_superuser:
        return
    raise StaffCompanyRoleRefused(
        f"{user.email} is a staff account; only a superuser can give it a company role."
    )
