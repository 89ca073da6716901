"""Consumer segments (by loyalty tier, by invitation, or both), the invitations
that let people in, the waitlist of those not yet invited, and drops: products
or categories a segment sees first (early access) and everyone later, or never."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class Segment(models.Model):
    """A group of consumers: everyone in one of ``loyalty_tiers``, plus those who
    joined through an invitation."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    loyalty_tiers = models.ManyToManyField(
        "accounts.LoyaltyTier",
        blank=True,
        related_name="segments",
        help_text=_("Consumers in any of these tiers belong to the segment."),
    )
    by_invitation = models.BooleanField(
        default=True, help_text=_("Invitation links let consumers join.")
    )
    members_may_invite = models.BooleanField(
        default=False, help_text=_("Members may send invitation links to friends.")
    )
    friend_invitation_uses = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    """A consumer who joined a segment (tier members belong without a row)."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Added by staff")
        INVITATION = "invitation", _("Staff invitation")
        REFERRAL = "referral", _("Invited by a member")

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="segment_memberships"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    invitation = models.ForeignKey(
        "SegmentInvitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="segment_referrals",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "user"], name="members_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.segment}"


class SegmentInvitation(models.Model):
    """A signed link into a segment, valid until ``expires_at`` for ``max_uses`` accounts."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="invitations")
    nonce = models.CharField(max_length=32, default=new_nonce, unique=True)
    email = models.EmailField(blank=True, help_text=_("Who it was sent to (optional)."))
    max_uses = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when a member (not staff) invited a friend: the referral.
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="segment_invitations_sent",
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=F("max_uses")), name="members_invitation_uses_le_max"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment} invitation #{self.pk}"


class InvitationUse(models.Model):
    invitation = models.ForeignKey(SegmentInvitation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "user"], name="members_one_use_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} used {self.invitation}"


class WaitlistRequest(models.Model):
    """Someone not yet invited asks to be let in."""

    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.CASCADE, related_name="waitlist"
    )
    email = models.EmailField()
    name = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    invitation = models.ForeignKey(
        SegmentInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.email


class Drop(models.Model):
    """Products and categories a segment sees and buys from ``members_from``;
    everyone from ``public_from`` (never when empty)."""

    name = models.CharField(max_length=100)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="drops")
    products = models.ManyToManyField("catalogue.Product", blank=True, related_name="drops")
    categories = models.ManyToManyField("catalogue.Category", blank=True, related_name="drops")
    members_from = models.DateTimeField(default=timezone.now)
    public_from = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty: members only, for good.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-members_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(public_from__isnull=True) | Q(public_from__gte=F("members_from")),
                name="members_drop_public_after_members",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembersPrice(models.Model):
    """A segment's own net unit price for one product (its members' price list).

    The pricing engine applies it to consumers in the segment on every path
    (``pricing.members`` says how it combines with loyalty and promotions)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="members_prices"
    )
    unit_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Net, per unit; tax is added as for every price."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment", "product"]
        verbose_name = _("members' price")
        verbose_name_plural = _("members' prices")
        constraints = [
            models.UniqueConstraint(fields=["segment", "product"], name="members_one_price"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="members_price_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["product", "segment"], name="members_price_lookup")]

    def __str__(self) -> str:
        return f"{self.segment}: {self.product_id} @ {self.unit_price}"
