"""Account emails, delivered from the outbox once per row (``effect_once``)."""

from django.conf import settings

from accounts import policy, topics
from accounts.models import Company, Invitation
from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def _admin_emails(company: Company) -> list[str]:
    return list(policy.company_admins(company).values_list("user__email", flat=True))


def notify_company_registered(company_id: int) -> int:
    """Tell the sales team a business signed up, and the registrant what happens next."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return 0
    context = {
        "company": company,
        "dashboard_url": sites.staff_site().base_url + f"/dashboard/companies/{company.pk}/",
        "portal_url": sites.get_site(sites.PORTAL).base_url + "/",
    }
    sent = send_templated_email(
        to=settings.SALES_TEAM_EMAILS, template="company_registered_staff", context=context
    )
    return sent + send_templated_email(
        to=_admin_emails(company), template="company_registered", context=context
    )


def notify_company_status(company_id: int, old: str, new: str, reason: str = "") -> int:
    """Tell the company's admins that staff approved, held, released or closed it."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return 0
    return send_templated_email(
        to=_admin_emails(company),
        template="company_status",
        context={
            "company": company,
            "old": Company.Status(old).label,
            "new": Company.Status(new).label,
            "reason": reason,
            "portal_url": sites.get_site(sites.PORTAL).base_url + "/",
        },
    )


def send_invitation(invitation_id: int, token: str) -> int:
    invitation = (
        Invitation.objects.select_related("company", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return 0
    return send_templated_email(
        to=[invitation.email],
        template="invitation",
        context={
            "invitation": invitation,
            "accept_url": sites.site_url(sites.PORTAL, "portal:invitation-accept", token=token),
        },
    )


def notify_signup_attempt(user_id: int, site: str) -> int:
    """Tell an account's owner that someone tried to sign up with their email."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    info = sites.get_site(site)
    sign_in_view = "portal:login" if site == sites.PORTAL else "customer:login"
    return send_templated_email(
        to=[user.email],
        template="signup_attempt",
        context={
            "site_name": info.name,
            "sign_in_url": sites.site_url(site, sign_in_view),
            "password_reset_url": sites.site_url(site, "password-reset"),
        },
    )


@register(topics.COMPANY_REGISTERED)
def _company_registered(message) -> None:
    effect_once(message, lambda: notify_company_registered(message.payload["company"]))


@register(topics.COMPANY_STATUS)
def _company_status(message) -> None:
    p = message.payload
    effect_once(
        message,
        lambda: notify_company_status(p["company"], p["old"], p["new"], p.get("reason", "")),
    )


@register(topics.INVITATION)
def _invitation(message) -> None:
    from accounts.invitations import invitation_token

    invitation = Invitation.objects.filter(pk=message.payload["invitation"]).first()
    # A newer invitation to the same address replaced this one: its own row sends it.
    if invitation is None or invitation.nonce != message.payload["nonce"]:
        return
    effect_once(message, lambda: send_invitation(invitation.pk, invitation_token(invitation)))


@register(topics.SIGNUP_ATTEMPT)
def _signup_attempt(message) -> None:
    p = message.payload
    effect_once(message, lambda: notify_signup_attempt(p["user"], p["site"]))


def notify_loyalty_tier_changed(user_id: int, old_tier_id: int | None) -> int:
    """Tell a consumer their new loyalty tier, what it gives and what the next one takes."""
    from django.contrib.auth import get_user_model

    from accounts.loyalty import standing
    from accounts.models import LoyaltyTier

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    now = standing(user)
    old = LoyaltyTier.objects.filter(pk=old_tier_id).first() if old_tier_id else None
    return send_templated_email(
        to=[user.email],
        template="loyalty_tier_changed",
        context={
            "user": user,
            "old": old,
            "standing": now,
            "up": (now.tier.rank if now.tier else -1) > (old.rank if old else -1),
            "url": sites.site_url(sites.STOREFRONT, "storefront:loyalty"),
        },
    )


@register(topics.LOYALTY_TIER_CHANGED)
def _loyalty_tier_changed(message) -> None:
    effect_once(
        message,
        lambda: notify_loyalty_tier_changed(message.payload["user"], message.payload["old"]),
    )
