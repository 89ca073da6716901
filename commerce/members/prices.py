"""Which segments have members' prices, and which of them a consumer is in.

The set of segments with any price is cached (a new version whenever a price
is saved or deleted), so a consumer of no such segment costs the pricing no
query, and the pricing context of a member names only the segments that
change what they pay: a cached page is shared by exactly those who pay alike.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from commerce import sites
from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead
from commerce.core.sessions import USER_STAGE, session_user_id
from commerce.members.models import MembersPrice
from commerce.members.selectors import segment_ids

VERSION_KEY = "members:prices-version"
TIMEOUT = 60 * 60


def _priced_key() -> str:
    return f"members:priced-segments:{cache_version(VERSION_KEY)}"


def _read_ahead(request) -> list[str]:
    """A signed-in storefront customer's prices name their priced segments."""
    if getattr(request, "channel", None) == sites.PORTAL or not session_user_id(request):
        return []
    return [_priced_key()]


register_read_ahead(lambda request: [VERSION_KEY])
register_read_ahead(_read_ahead, stage=USER_STAGE)


def priced_segment_ids() -> frozenset[int]:
    """Segments with at least one members' price (no query once cached)."""
    key = _priced_key()
    found = cache.get(key)
    if found is None:
        found = frozenset(MembersPrice.objects.values_list("segment_id", flat=True).distinct())
        cache.set(key, found, TIMEOUT)
    return found


def price_segments(user) -> tuple[int, ...]:
    """The active segments of ``user`` that have members' prices, in id order."""
    priced = priced_segment_ids()
    if not priced:
        return ()
    return tuple(sorted(segment_ids(user) & priced))


def bump_version(**kwargs) -> None:
    cache_version_bump(VERSION_KEY)


def connect() -> None:
    post_save.connect(bump_version, sender=MembersPrice, dispatch_uid="members-price-save")
    post_delete.connect(bump_version, sender=MembersPrice, dispatch_uid="members-price-del")
