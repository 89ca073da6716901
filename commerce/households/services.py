"""Household use cases: the household, its invitations (signed links for one
addressed account), members and their monthly budgets.

Rules enforced here:
* only the owner invites, edits budgets and removes members; a member may leave;
* a person is in one household at most (owner or member; a database constraint
  backs the check);
* an invitation works once, before it expires, for the account it was sent to;
* budgets are amounts of money, never negative.
Household, member and invitation rows are locked on their own, never while
holding a lock of the pipeline (``commerce.core.locks``); an order locks its
household at step 3b.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce import sites
from commerce.core.locks import lock_household
from commerce.core.money import quantize
from commerce.households import topics
from commerce.households.budget import membership_of
from commerce.households.exceptions import (
    AlreadyInHousehold,
    HouseholdError,
    InvalidBudget,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    InvitationWrongAccount,
    NotHouseholdOwner,
)
from commerce.households.models import (
    Household,
    HouseholdEvent,
    HouseholdInvitation,
    HouseholdMember,
)
from commerce.outbox.services import outbox_emit

_SALT = "households.invitation"
INVITATION_DAYS = 7
MAX_BUDGET = Decimal("1000000.00")


def clean_budget(value) -> Decimal:
    """A budget from user input: a finite, non-negative amount of money."""
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidBudget("Enter the budget as an amount, e.g. 150.00.") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidBudget("A budget cannot be negative.")
    if amount > MAX_BUDGET:
        raise InvalidBudget(f"A budget can be at most {MAX_BUDGET}.")
    return quantize(amount)


def _money(amount: Decimal | None) -> str:
    return "no limit" if amount is None else f"{amount:.2f}"


def _record(household_id: int, actor, kind: str, message: str, **data) -> HouseholdEvent:
    """One line of the household's history, in the caller's transaction."""
    return HouseholdEvent.objects.create(
        household_id=household_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        message=message[:500],
        data=data,
    )


def _in_a_household(user) -> bool:
    return (
        Household.objects.filter(owner=user).exists()
        or HouseholdMember.objects.filter(user=user, is_active=True).exists()
    )


def _require_owner(household: Household, actor) -> None:
    if actor is None or household.owner_id != actor.pk:
        raise NotHouseholdOwner("Only the household's owner can do that.")


def _require_consumer(user) -> None:
    if user is None or not user.is_authenticated:
        raise HouseholdError("Sign in first.")
    if user.is_staff:
        raise HouseholdError("Staff accounts cannot join households.")


# --- the household ------------------------------------------------------------------------


def household_create(*, owner, name: str) -> Household:
    """A consumer who is in no household starts one and owns it."""
    _require_consumer(owner)
    name = (name or "").strip()[:100] or f"{owner.get_full_name() or owner.email}'s household"
    if _in_a_household(owner):
        raise AlreadyInHousehold("You are already in a household.")
    try:
        with transaction.atomic():
            household = Household.objects.create(owner=owner, name=name)
            _record(
                household.pk, owner, HouseholdEvent.Kind.CREATED, f"{owner.email} started {name}."
            )
            return household
    except IntegrityError:
        raise AlreadyInHousehold("You are already in a household.") from None


@transaction.atomic
def household_budget_set(*, household: Household, actor, monthly_budget) -> Household:
    """The owner sets (or clears, with None) the budget all members share."""
    _require_owner(household, actor)
    amount = None if monthly_budget in (None, "") else clean_budget(monthly_budget)
    household = lock_household(household.pk)
    before = household.monthly_budget
    if before != amount:
        household.monthly_budget = amount
        household.save(update_fields=["monthly_budget"])
        _record(
            household.pk,
            actor,
            HouseholdEvent.Kind.BUDGET_SET,
            f"Household budget: {_money(before)} → {_money(amount)} a month.",
            before=None if before is None else str(before),
            after=None if amount is None else str(amount),
        )
    return household


# --- invitations --------------------------------------------------------------------------


def invitation_token(invitation: HouseholdInvitation) -> str:
    return signing.dumps({"id": invitation.pk, "n": invitation.nonce}, salt=_SALT)


def invitation_url(invitation: HouseholdInvitation) -> str:
    base = sites.get_site(sites.STOREFRONT).base_url.rstrip("/")
    return f"{base}/household/join/{invitation_token(invitation)}/"


@transaction.atomic
def invitation_create(
    *, household: Household, actor, email: str, monthly_budget
) -> HouseholdInvitation:
    """The owner invites ``email`` with a first monthly budget; the link is emailed."""
    _require_owner(household, actor)
    email = (email or "").strip()
    if not email or "@" not in email or len(email) > 254:
        raise HouseholdError("Enter the email address to invite.")
    if email.lower() == household.owner.email.lower():
        raise HouseholdError("You are already in your household.")
    invitation = HouseholdInvitation.objects.create(
        household=household,
        email=email,
        monthly_budget=clean_budget(monthly_budget),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        created_by=actor,
    )
    _record(
        household.pk,
        actor,
        HouseholdEvent.Kind.INVITED,
        f"{invitation.email} invited with {_money(invitation.monthly_budget)} a month.",
        invitation=invitation.pk,
        email=invitation.email,
    )
    outbox_emit(
        topic=topics.INVITATION_SEND,
        payload={"invitation": invitation.pk},
        key=f"household-invitation-{invitation.pk}",
    )
    return invitation


def invitation_from_token(token: str) -> HouseholdInvitation:
    try:
        data = signing.loads(str(token or ""), salt=_SALT, max_age=timedelta(days=60))
        return HouseholdInvitation.objects.select_related("household", "household__owner").get(
            pk=int(data["id"]), nonce=str(data["n"])
        )
    except (
        signing.BadSignature,
        HouseholdInvitation.DoesNotExist,
        KeyError,
        TypeError,
        ValueError,
    ):
        raise InvitationInvalid("This invitation link is not valid.") from None


@transaction.atomic
def invitation_accept(*, token: str, user) -> HouseholdMember:
    """``user`` joins the household of an invitation addressed to them: once,
    before it expires, only if they are in no household yet."""
    _require_consumer(user)
    invitation = invitation_from_token(token)
    # The invitation row alone: two accounts (or tabs) racing for it get one join.
    invitation = HouseholdInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn.")
    if invitation.accepted_at is not None:
        raise InvitationUsed("This invitation has already been used.")
    if timezone.now() >= invitation.expires_at:
        raise InvitationExpired("This invitation has expired.")
    if invitation.email.strip().lower() != (user.email or "").strip().lower():
        raise InvitationWrongAccount("This invitation was sent to another email address.")
    if _in_a_household(user):
        raise AlreadyInHousehold("You are already in a household; leave it first.")
    try:
        with transaction.atomic():
            member = HouseholdMember.objects.create(
                household_id=invitation.household_id,
                user=user,
                monthly_budget=invitation.monthly_budget,
            )
    except IntegrityError:
        raise AlreadyInHousehold("You are already in a household; leave it first.") from None
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    _record(
        invitation.household_id,
        user,
        HouseholdEvent.Kind.JOINED,
        f"{user.email} joined with {_money(member.monthly_budget)} a month.",
        member=member.pk,
    )
    return member


@transaction.atomic
def invitation_revoke(*, invitation: HouseholdInvitation, actor) -> HouseholdInvitation:
    _require_owner(invitation.household, actor)
    revoked = HouseholdInvitation.objects.filter(
        pk=invitation.pk, revoked_at=None, accepted_at=None
    ).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    if revoked:
        _record(
            invitation.household_id,
            actor,
            HouseholdEvent.Kind.INVITATION_REVOKED,
            f"Invitation of {invitation.email} withdrawn.",
            invitation=invitation.pk,
        )
    return invitation


# --- members ------------------------------------------------------------------------------


@transaction.atomic
def member_budget_set(*, member: HouseholdMember, actor, monthly_budget) -> HouseholdMember:
    """The owner changes a member's monthly budget (from the next order on)."""
    _require_owner(member.household, actor)
    amount = clean_budget(monthly_budget)
    lock_household(member.household_id)
    member = HouseholdMember.objects.select_related("household", "user").get(pk=member.pk)
    if not member.is_active:
        raise HouseholdError(f"{member.user.email} is no longer in the household.")
    before = member.monthly_budget
    if before != amount:
        member.monthly_budget = amount
        member.save(update_fields=["monthly_budget"])
        _record(
            member.household_id,
            actor,
            HouseholdEvent.Kind.MEMBER_BUDGET_SET,
            f"{member.user.email}: {_money(before)} → {_money(amount)} a month.",
            member=member.pk,
            before=str(before),
            after=str(amount),
        )
    return member


@transaction.atomic
def member_remove(*, member: HouseholdMember, actor) -> HouseholdMember:
    """The owner removes a member, or a member leaves. Orders already waiting
    for the owner's approval stay in the owner's inbox."""
    if actor is None or actor.pk != member.user_id:
        _require_owner(member.household, actor)
    lock_household(member.household_id)
    member = HouseholdMember.objects.select_related("household", "user").get(pk=member.pk)
    if member.is_active:
        member.is_active = False
        member.left_at = timezone.now()
        member.save(update_fields=["is_active", "left_at"])
        left = actor is not None and actor.pk == member.user_id
        _record(
            member.household_id,
            actor,
            HouseholdEvent.Kind.MEMBER_LEFT if left else HouseholdEvent.Kind.MEMBER_REMOVED,
            f"{member.user.email} left the household."
            if left
            else f"{member.user.email} was removed.",
            member=member.pk,
        )
    return member


def member_for_order(user) -> HouseholdMember | None:
    """Step 3b of the lock order, inside the order's transaction: lock the
    household of ``user``'s active membership and return that membership as it
    is now (None when ``user`` is in no household as a member)."""
    member = membership_of(user)
    if member is None:
        return None
    lock_household(member.household_id)
    return (
        HouseholdMember.objects.filter(pk=member.pk, is_active=True)
        .select_related("household", "household__owner", "user")
        .first()
    )
