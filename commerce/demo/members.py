"""Demo members' shop: the Gold tier's segment (members may invite friends), a
drop in early access now (Gold members and invitees only for 30 days, then
everyone) whose products carry a members' price (15 % under the list price),
a reusable staff invitation and one waitlist request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.models import LoyaltyTier
from commerce.core.money import quantize
from commerce.demo.catalog import upc_for
from commerce.members import services
from commerce.members.models import (
    Drop,
    MembersPrice,
    Segment,
    SegmentInvitation,
    WaitlistRequest,
)

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
MEMBERS_SHARE = Decimal("0.85")  # members pay 85 % of the list price

SEGMENT = "gold-members"
DROP = "Members' early access"
# Demo products in the drop: clear of the tail kept for channels and assortments.
DROP_OFFSET = (13, 10)


def drop_upcs(count: int) -> list[str]:
    first, last = DROP_OFFSET
    return [upc_for(i) for i in range(count - first, count - last)] if count >= 60 else []


@transaction.atomic
def seed_members(count: int) -> str:
    """Returns the demo invitation's link."""
    segment, created = Segment.objects.get_or_create(
        slug=SEGMENT,
        defaults={
            "name": "Gold members",
            "description": "Early access for our Gold customers and the friends they invite.",
            "by_invitation": True,
            "members_may_invite": True,
            "friend_invitation_uses": 1,
        },
    )
    if created:
        segment.loyalty_tiers.set(LoyaltyTier.objects.filter(code="gold"))
    now = timezone.now()
    drop, created = Drop.objects.get_or_create(
        name=DROP,
        defaults={
            "segment": segment,
            "members_from": now - timedelta(days=1),
            "public_from": now + timedelta(days=30),
        },
    )
    if created:
        drop.products.set(Product.objects.filter(upc__in=drop_upcs(count)))
    seed_members_prices(segment, drop)
    staff = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    invitation = SegmentInvitation.objects.filter(
        segment=segment, email="", revoked_at=None, expires_at__gt=now
    ).first() or services.invitation_create(segment=segment, actor=staff, max_uses=50, days=90)
    if not WaitlistRequest.objects.filter(segment=segment).exists():
        services.waitlist_join(
            email="curious.shopper@example.com",
            segment=segment,
            name="Casey Curious",
            note="Saw the preview on social media.",
        )
    return services.invitation_url(invitation)


def seed_members_prices(segment: Segment, drop: Drop) -> None:
    """The drop's products at the members' price (each product's lowest list price)."""
    lists: dict[int, Decimal] = {}
    for product_id, price in StockRecord.objects.filter(
        product__in=drop.products.all(), price__isnull=False
    ).values_list("product_id", "price"):
        lists[product_id] = min(price, lists.get(product_id, price))
    for product_id, price in lists.items():
        MembersPrice.objects.get_or_create(
            segment=segment,
            product_id=product_id,
            defaults={"unit_price": quantize(price * MEMBERS_SHARE)},
        )
