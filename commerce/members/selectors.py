"""Read-only queries of the members' shop."""

from __future__ import annotations

from django.db.models import Q

from commerce.members.models import Segment


def segment_ids(user) -> frozenset[int]:
    """The active segments ``user`` belongs to: by loyalty tier or by joining (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    # Once per user object (a request's pages and its strategy share it).
    known = getattr(user, "_member_segment_ids", None)
    if known is None:
        known = frozenset(
            Segment.objects.filter(is_active=True)
            .filter(Q(loyalty_tiers__customers__user=user) | Q(members__user=user))
            .values_list("pk", flat=True)
            .distinct()
        )
        user._member_segment_ids = known
    return known


def is_member(user, segment) -> bool:
    return segment.pk in segment_ids(user)


def active_segment(slug: str):
    """The active segment named ``slug``, or None."""
    return Segment.objects.filter(slug=slug, is_active=True).first()
