"""Use cases for companies, memberships and invitations.

Every change here runs in one transaction, checks the permission policy,
writes a ``CompanyEvent`` and its emails as outbox rows in the same transaction.
Invitations are in ``accounts.invitations``, addresses in ``accounts.addresses``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts import policy, topics
from accounts.exceptions import (
    AlreadyMember,
    EmailTaken,
    IllegalStatusChange,
    LastAdminError,
    NotStaff,
)
from accounts.models import Company, CompanyAddress, CompanyEvent, Membership
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Status = Company.Status
Role = Membership.Role
Kind = CompanyEvent.Kind

# The company lifecycle: which status may follow which.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.ON_HOLD, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.ACTIVE}),
}


def record_event(
    *, company: Company, actor, kind: str, message: str, data: dict | None = None
) -> CompanyEvent:
    return CompanyEvent.objects.create(
        company=company,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        message=message,
        data=data or {},
    )


def lock_company(company: Company) -> Company:
    """Lock the company row: the serialisation point for its membership rules."""
    return Company.objects.select_for_update().get(pk=company.pk)


@transaction.atomic
def company_register(
    *,
    legal_name: str,
    tax_id: str,
    email: str,
    bill_to: dict,
    user=None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> Company:
    """A business signs up: a pending company whose first user is its admin.

    With ``user`` (signed in) that account becomes the admin; otherwise a new
    account is created for ``email`` (which must not exist yet).
    """
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise EmailTaken(
                "An account with this email already exists. Sign in first, "
                "then register your company."
            )
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
    company = Company.objects.create(
        name=legal_name.strip(),
        tax_id=tax_id.strip(),
        email=email,
        status=Status.PENDING,
    )
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    for kind, label, default in (
        (CompanyAddress.Kind.BILL_TO, "Billing", False),
        # Until the admin adds others, goods go to the registered address.
        (CompanyAddress.Kind.SHIP_TO, "Main address", True),
    ):
        CompanyAddress.objects.create(
            company=company,
            kind=kind,
            label=label,
            is_default=default,
            last_name=company.name,
            **bill_to,
        )
    record_event(
        company=company,
        actor=user,
        kind=Kind.REGISTERED,
        message=f"{user.email} registered {company.name}",
    )
    outbox_emit(topic=topics.COMPANY_REGISTERED, payload={"company": company.pk})
    return company


@transaction.atomic
def company_set_status(*, company: Company, status: str, actor, reason: str = "") -> Company:
    """Staff move a company through its lifecycle (approve, hold, release, close, reopen)."""
    company = lock_company(company)
    old = company.status
    if status == old or status not in STATUS_TRANSITIONS[old]:
        raise IllegalStatusChange(
            f"A company that is {company.get_status_display().lower()} cannot become "
            f"{Status(status).label.lower()}."
        )
    company.status = status
    company.save(update_fields=["status", "updated_at"])
    record_event(
        company=company,
        actor=actor,
        kind=Kind.STATUS_CHANGED,
        message=f"Status {Status(old).label} → {Status(status).label}"
        + (f": {reason}" if reason else ""),
        data={"from": old, "to": status, "reason": reason},
    )
    outbox_emit(
        topic=topics.COMPANY_STATUS,
        payload={"company": company.pk, "old": old, "new": status, "reason": reason},
    )
    company_updated(company)
    return company


@transaction.atomic
def company_update_details(*, company: Company, actor, **fields) -> Company:
    """Change a company's own details (name, tax id, contact, PO rule, whether
    buyers may ship to one-off addresses)."""
    allowed = {
        "name",
        "tax_id",
        "email",
        "phone",
        "po_number_required",
        "allow_one_off_addresses",
        "price_tier",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not company details: {sorted(unknown)}")
    company = lock_company(company)
    changed = {k: v for k, v in fields.items() if getattr(company, k) != v}
    if not changed:
        return company
    for key, value in changed.items():
        setattr(company, key, value)
    company.save(update_fields=[*changed, "updated_at"])
    record_event(
        company=company,
        actor=actor,
        kind=Kind.DETAILS_CHANGED,
        message="Changed " + ", ".join(sorted(changed)),
        data={k: str(v) if v is not None else None for k, v in changed.items()},
    )
    company_updated(company, changed=sorted(changed))
    return company


def company_updated(company: Company, *, changed=("status",)) -> None:
    """The ``company.updated`` webhook, in the change's transaction."""
    webhook_event(
        type=events.COMPANY_UPDATED,
        data={
            "id": company.pk,
            "name": company.name,
            "status": company.status,
            "tax_id": company.tax_id,
            "changed": list(changed),
        },
    )


@transaction.atomic
def company_set_sales_reps(*, company: Company, reps, actor) -> Company:
    """Assign the staff sales reps who look after ``company`` (they see only the
    companies they are assigned to); only staff accounts can be reps."""
    reps = list(reps)
    not_staff = [u.email for u in reps if not (u.is_staff and u.is_active)]
    if not_staff:
        raise NotStaff(f"Only active staff can be sales reps: {', '.join(sorted(not_staff))}.")
    company = lock_company(company)
    before = set(company.sales_reps.values_list("pk", flat=True))
    if before == {u.pk for u in reps}:
        return company
    company.sales_reps.set(reps)
    names = ", ".join(sorted(u.email for u in reps)) or "none"
    record_event(
        company=company,
        actor=actor,
        kind=Kind.DETAILS_CHANGED,
        message=f"Sales reps: {names}",
        data={"sales_reps": sorted(u.pk for u in reps)},
    )
    return company


def _active_admins(company: Company, *, excluding: Membership | None = None) -> int:
    admins = policy.company_admins(company)
    if excluding is not None:
        admins = admins.exclude(pk=excluding.pk)
    return admins.count()


def _guard_last_admin(company: Company, membership: Membership) -> None:
    if policy.is_company_admin(membership) and _active_admins(company, excluding=membership) == 0:
        raise LastAdminError(
            f"{membership.user.email} is the last active admin of {company.name}. "
            "Make someone else an admin first."
        )


def _staff_note(user, actor) -> str:
    """Said in the company history (which its admins see in the portal) when a
    staff account is given a company role."""
    if not user.is_staff:
        return ""
    return f" (a {settings.OSCAR_SHOP_NAME} staff account, by superuser {actor.email})"


def _locked_membership(membership: Membership) -> tuple[Company, Membership]:
    company = lock_company(membership.company)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    return company, membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    """Give a member another role; a company always keeps an active admin."""
    company, membership = _locked_membership(membership)
    policy.require_for_company(actor, company, policy.Action.MANAGE_MEMBERS)
    role = Role(role)
    if membership.role == role:
        return membership
    policy.require_may_give_company_role(actor=actor, user=membership.user)
    if role != Role.ADMIN:
        _guard_last_admin(company, membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        company=company,
        actor=actor,
        kind=Kind.ROLE_CHANGED,
        message=f"{membership.user.email}: {Role(old).label} → {role.label}"
        + _staff_note(membership.user, actor),
        data={"membership": membership.pk, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def membership_set_active(*, membership: Membership, active: bool, actor) -> Membership:
    """Deactivate (or reactivate) a member; a company always keeps an active admin."""
    company, membership = _locked_membership(membership)
    policy.require_for_company(actor, company, policy.Action.MANAGE_MEMBERS)
    if membership.is_active == active:
        return membership
    if active:
        policy.require_may_give_company_role(actor=actor, user=membership.user)
    else:
        _guard_last_admin(company, membership)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    record_event(
        company=company,
        actor=actor,
        kind=Kind.MEMBER_REACTIVATED if active else Kind.MEMBER_DEACTIVATED,
        message=f"{membership.user.email} {'reactivated' if active else 'deactivated'}"
        + (_staff_note(membership.user, actor) if active else ""),
        data={"membership": membership.pk},
    )
    return membership


@transaction.atomic
def membership_add(*, company: Company, email: str, role: str, actor) -> Membership:
    """Staff attach an existing account to a company directly (no invitation)."""
    company = lock_company(company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_MEMBERS)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise EmailTaken(f"No account uses {email}; invite them instead.")
    policy.require_may_give_company_role(actor=actor, user=user)
    existing = Membership.objects.filter(company=company, user=user).first()
    if existing is not None and existing.is_active:
        raise AlreadyMember(f"{user.email} is already a member of {company.name}.")
    if existing is not None:
        existing.role, existing.is_active = Role(role), True
        existing.save(update_fields=["role", "is_active"])
        membership = existing
    else:
        membership = Membership.objects.create(user=user, company=company, role=Role(role))
    record_event(
        company=company,
        actor=actor,
        kind=Kind.MEMBER_ADDED,
        message=f"{user.email} added as {Role(role).label}" + _staff_note(user, actor),
        data={"membership": membership.pk, "role": role, "staff": user.is_staff},
    )
    return membership


def signup_email_taken(*, email: str, password: str | None, site: str) -> bool:
    """Whether ``email`` already has an account; if so its owner gets an email
    saying someone tried to sign up with it.

    Sign-up pages answer a known email exactly as a new one, so they do not
    reveal who has an account; the password is hashed here as creating the
    account would, so both answers take the same work.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        return False
    make_password(password)
    with transaction.atomic():
        outbox_emit(topic=topics.SIGNUP_ATTEMPT, payload={"user": user.pk, "site": site})
    return True
