"""Assisted sessions: a staff member buys on a company member's behalf.

A session is opened in the dashboard (``assisted_session_open``: the staff
policy must let the staff member act for the company and the member must be
active in it), begun on the portal host by the same staff member
(``assisted_session_begin``), checked on every portal request
(``assisted_session_check``) and ended by the staff member, by the company's
admins, by idle expiry or when the staff member or the member loses the right
(``assisted_session_end``). Every change made meanwhile is recorded with both
identities (``assisted_action_record``; orders carry ``placed_by_staff``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from accounts import policy, staff_policy
from accounts.exceptions import AccountsError
from accounts.models import AssistedAction, AssistedSession, CompanyEvent, Membership
from accounts.services import record_event

EndReason = AssistedSession.EndReason

# How long an opened session waits for the staff member to begin it on the
# portal (a begun one lives ``ASSISTED_SESSION_IDLE_MINUTES`` without a request).
BEGIN_WITHIN_MINUTES = 10
# ``last_seen_at`` is written at most this often (not on every request).
TOUCH_EVERY = timedelta(seconds=60)


class AssistedSessionRefused(AccountsError):
    code = "assisted_session_refused"
    status = 403


class AssistedSessionClosed(AccountsError):
    code = "assisted_session_closed"
    status = 409


def _names(session: AssistedSession) -> tuple[str, str]:
    return policy.display_name(session.staff), policy.display_name(session.membership.user)


@transaction.atomic
def assisted_session_open(*, staff, membership: Membership, reason: str = "") -> AssistedSession:
    """Open a session for ``staff`` to act as ``membership``'s user. Refused
    unless the staff policy lets ``staff`` act for the company and the member
    is active there (and is not staff)."""
    company = membership.company
    if not staff_policy.may_act_for(staff, company):
        raise AssistedSessionRefused(f"You may not act on behalf of {company.name}'s members.")
    member = membership.user
    if member.pk == staff.pk or member.is_staff:
        raise AssistedSessionRefused("Staff accounts are never acted for.")
    if not policy.admits_to_portal(membership):
        raise AssistedSessionRefused(f"{member.email} cannot use the portal for {company.name}.")
    return AssistedSession.objects.create(
        staff=staff, membership=membership, company=company, reason=reason.strip()[:200]
    )


@transaction.atomic
def assisted_session_begin(*, session_id: int, staff) -> AssistedSession:
    """``staff`` begins the session they opened (on the portal host); once only."""
    session = (
        AssistedSession.objects.select_for_update()
        .filter(pk=session_id, staff=staff, ended_at=None, started_at=None)
        .first()
    )
    now = timezone.now()
    if session is None or session.created_at < now - timedelta(minutes=BEGIN_WITHIN_MINUTES):
        raise AssistedSessionClosed(
            "This session is no longer open; start again from the dashboard."
        )
    session = AssistedSession.objects.select_related(
        "staff", "membership__user", "membership__company", "company"
    ).get(pk=session.pk)
    denial = _denial(session)
    if denial is not None:
        _end(session, actor=staff, why=denial, now=now)
        raise AssistedSessionRefused("You may no longer act for this member.")
    session.started_at = session.last_seen_at = now
    session.save(update_fields=["started_at", "last_seen_at"])
    staff_name, member_name = _names(session)
    record_event(
        company=session.company,
        actor=staff,
        kind=CompanyEvent.Kind.ASSISTED_STARTED,
        message=f"{staff_name} began acting on behalf of {member_name}.",
        data={"session": session.pk, "member": session.membership.user_id},
    )
    return session


def _denial(session: AssistedSession, now=None) -> str | None:
    """Why a begun session may not go on, or None."""
    now = now or timezone.now()
    if session.ended_at is not None:
        return session.end_reason or EndReason.STAFF
    if session.last_seen_at and session.last_seen_at < now - timedelta(
        minutes=settings.ASSISTED_SESSION_IDLE_MINUTES
    ):
        return EndReason.EXPIRED
    if not session.staff.is_active or not staff_policy.may_act_for(session.staff, session.company):
        return EndReason.RIGHT_LOST
    membership = Membership.objects.select_related("user", "company").get(pk=session.membership_id)
    if not policy.admits_to_portal(membership) or membership.user.is_staff:
        return EndReason.MEMBER_INACTIVE
    return None


def assisted_session_check(*, session_id, staff) -> tuple[AssistedSession | None, str | None]:
    """The begun, open session ``session_id`` of ``staff`` for this request and
    None; or None and why it ended (ending it now when it must not go on).
    A session id that is not this staff member's is refused without a trace."""
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        return None, EndReason.STAFF
    session = (
        AssistedSession.objects.select_related(
            "staff", "membership__user", "membership__company", "company"
        )
        .filter(pk=session_id, staff_id=staff.pk)
        .exclude(started_at=None)
        .first()
    )
    if session is None:
        return None, EndReason.STAFF
    now = timezone.now()
    denial = _denial(session, now)
    if denial is not None:
        if session.ended_at is None:
            with transaction.atomic():
                _end(session, actor=None, why=denial, now=now)
        return None, denial
    if session.last_seen_at is None or session.last_seen_at < now - TOUCH_EVERY:
        AssistedSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now
    return session, None


def _end(session: AssistedSession, *, actor, why: str, now) -> bool:
    updated = AssistedSession.objects.filter(pk=session.pk, ended_at=None).update(
        ended_at=now, ended_by=actor, end_reason=why
    )
    if not updated:
        return False
    session.ended_at, session.ended_by, session.end_reason = now, actor, why
    staff_name, member_name = _names(session)
    record_event(
        company=session.company,
        actor=actor,
        kind=CompanyEvent.Kind.ASSISTED_ENDED,
        message=(
            f"{staff_name} stopped acting on behalf of {member_name} "
            f"({EndReason(why).label.lower()})."
        ),
        data={"session": session.pk, "reason": why},
    )
    return True


@transaction.atomic
def assisted_session_end(*, session: AssistedSession, actor, why: str) -> bool:
    """End ``session`` (once; a second end changes nothing and answers False)."""
    return _end(session, actor=actor, why=why, now=timezone.now())


def assisted_session_end_by_customer(*, membership, session_id) -> AssistedSession | None:
    """A company admin (``membership``) ends a session of their company; None
    when ``session_id`` is not one of their company's sessions."""
    policy.require(membership, policy.Action.MANAGE_MEMBERS)
    session = (
        AssistedSession.objects.select_related("staff", "membership__user", "company")
        .filter(pk=session_id, company_id=membership.company_id)
        .first()
    )
    if session is not None:
        assisted_session_end(session=session, actor=membership.user, why=EndReason.CUSTOMER)
    return session


def assisted_action_record(
    *, session_id: int, method: str, path: str, view_name: str, status_code: int
) -> AssistedAction:
    return AssistedAction.objects.create(
        session_id=session_id,
        method=method[:10],
        path=path[:300],
        view_name=view_name[:100],
        status_code=status_code,
    )


def company_assisted_sessions(company) -> QuerySet[AssistedSession]:
    """A company's sessions, open ones first, with their number of recorded changes."""
    return (
        AssistedSession.objects.filter(company=company)
        .exclude(started_at=None)
        .select_related("staff", "membership__user", "ended_by")
        .annotate(action_count=Count("actions"))
        .order_by(F("ended_at").asc(nulls_first=True), "-started_at", "-pk")
    )


def assisted_sessions_expire(*, now=None) -> dict:
    """Periodic (Celery beat): end begun sessions idle past
    ``ASSISTED_SESSION_IDLE_MINUTES`` (as the next request would, so a company
    admin never sees a dead session as open) and close opened ones never begun
    in time. Each session is ended once, under its own update; returns counts."""
    now = now or timezone.now()
    idle_since = now - timedelta(minutes=settings.ASSISTED_SESSION_IDLE_MINUTES)
    idle = (
        AssistedSession.objects.filter(ended_at=None, last_seen_at__lt=idle_since)
        .exclude(started_at=None)
        .select_related("staff", "membership__user", "company")
    )
    ended = 0
    for session in idle.iterator():
        with transaction.atomic():
            ended += _end(session, actor=None, why=EndReason.EXPIRED, now=now)
    # Never begun: they acted for no one, so no company event is written.
    never_begun = AssistedSession.objects.filter(
        ended_at=None,
        started_at=None,
        created_at__lt=now - timedelta(minutes=BEGIN_WITHIN_MINUTES),
    ).update(ended_at=now, end_reason=EndReason.EXPIRED)
    return {"idle_ended": ended, "never_begun_closed": never_begun}
