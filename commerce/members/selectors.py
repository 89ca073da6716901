"""Read-only queries of the members' shop."""

from __future__ import annotations

from django.db.models import Q

from accounts import access_cache
from commerce.members.models import Segment


def segment_ids(user) -> frozenset[int]:
    """The active segments ``user`` belongs to: by loyalty tier or by joining."""
    return standing(user)[0]


def loyalty_row(user) -> tuple | None:
    """(tier name, discount percent, tier id) of ``user``'s active loyalty tier, or None."""
    return standing(user)[1]


def standing(user) -> tuple[frozenset[int], tuple | None]:
    """(segment ids, loyalty row) of a signed-in user: from their access snapshot
    (``accounts.access_cache.consumer``), else two queries; kept on the user
    object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset(), None
    known = getattr(user, "_member_segment_ids", None)
    if known is None:
        known = access_cache.consumer(user, lambda: _load_standing(user))
        user._member_segment_ids = known
    return known


def _load_standing(user) -> tuple[frozenset[int], tuple | None]:
    from accounts.models import CustomerLoyalty

    segments = frozenset(
        Segment.objects.filter(is_active=True)
        .filter(Q(loyalty_tiers__customers__user=user) | Q(members__user=user))
        .values_list("pk", flat=True)
        .distinct()
    )
    row = (
        CustomerLoyalty.objects.filter(user=user, tier__is_active=True)
        .values_list("tier__name", "tier__discount_percent", "tier_id")
        .first()
    )
    return segments, (tuple(row) if row else None)


def _member_changed(sender, instance, **kwargs) -> None:
    access_cache.bump_user(instance.user_id)


def _segment_changed(sender, **kwargs) -> None:
    access_cache.bump_all()


def connect() -> None:
    """Retire customers' standing snapshots when what they hold changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from commerce.members.models import SegmentMember

    for signal, name in ((post_save, "save"), (post_delete, "del")):
        signal.connect(_member_changed, sender=SegmentMember, dispatch_uid=f"standing-m-{name}")
        signal.connect(_segment_changed, sender=Segment, dispatch_uid=f"standing-s-{name}")
    m2m_changed.connect(
        _segment_changed, sender=Segment.loyalty_tiers.through, dispatch_uid="standing-tiers"
    )


def is_member(user, segment) -> bool:
    return segment.pk in segment_ids(user)


def active_segment(slug: str):
    """The active segment named ``slug``, or None."""
    return Segment.objects.filter(slug=slug, is_active=True).first()
