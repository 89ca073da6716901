"""Drops as catalog visibility sees them: a cached snapshot of the active drops
(category subtrees expanded), and which of them are closed to a viewer now.

A product in a drop is visible to a viewer iff one of the drops that cover it
(listing it, or one of its categories or an ancestor of one) is open to them:
public (``public_from`` passed) or the viewer is in the drop's segment and
``members_from`` has passed. Times are compared at each call, so a window opens
without a cache to clear; the snapshot only changes when a drop does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead
from commerce.members.models import Drop

VERSION_KEY = "members:drops-version"
TIMEOUT = 60 * 60


@dataclass(frozen=True)
class DropRule:
    pk: int
    segment_id: int
    members_from: datetime
    public_from: datetime | None
    # The drop's categories and every category below them.
    category_ids: frozenset[int]

    def open_to(self, segments: frozenset[int], now: datetime) -> bool:
        if self.public_from is not None and now >= self.public_from:
            return True
        return self.segment_id in segments and now >= self.members_from


@dataclass(frozen=True)
class Closed:
    """Drops closed to a viewer now, and those open to them (a product in both is shown)."""

    closed: tuple[int, ...] = ()
    closed_categories: frozenset[int] = frozenset()
    open: tuple[int, ...] = ()
    open_categories: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.closed)

    def key(self) -> str:
        """A cache key part: which drops this viewer sees now."""
        return "d" + ".".join(str(pk) for pk in self.open) if self.closed or self.open else ""


def _build() -> tuple[DropRule, ...]:
    Category = get_model("catalogue", "Category")
    drops = list(Drop.objects.filter(is_active=True).order_by("pk"))
    if not drops:
        return ()
    roots: dict[int, list[str]] = {}
    for drop_id, path in Drop.categories.through.objects.filter(drop__is_active=True).values_list(
        "drop_id", "category__path"
    ):
        roots.setdefault(drop_id, []).append(path)
    paths = list(Category.objects.values_list("pk", "path")) if roots else []
    rules = []
    for drop in drops:
        starts = roots.get(drop.pk, [])
        category_ids = frozenset(
            pk for pk, path in paths if any(path.startswith(root) for root in starts)
        )
        rules.append(
            DropRule(
                pk=drop.pk,
                segment_id=drop.segment_id,
                members_from=drop.members_from,
                public_from=drop.public_from,
                category_ids=category_ids,
            )
        )
    return tuple(rules)


def version() -> str:
    return cache_version(VERSION_KEY)


def drop_rules() -> tuple[DropRule, ...]:
    key = f"members:drops:{version()}"
    cached = cache.get(key)
    if cached is None:
        cached = _build()
        cache.set(key, cached, TIMEOUT)
    return cached


register_read_ahead(lambda request: [VERSION_KEY])
register_read_ahead(lambda request: [f"members:drops:{version()}"], stage=2)


def closed_for(segments: frozenset[int], *, now: datetime | None = None) -> Closed:
    """The drops closed to a viewer in ``segments`` at ``now`` (no query once cached)."""
    rules = drop_rules()
    if not rules:
        return Closed()
    now = now or timezone.now()
    closed, opened = [], []
    closed_categories: set[int] = set()
    open_categories: set[int] = set()
    for rule in rules:
        if rule.open_to(segments, now):
            opened.append(rule.pk)
            open_categories |= rule.category_ids
        else:
            closed.append(rule.pk)
            closed_categories |= rule.category_ids
    return Closed(
        closed=tuple(closed),
        closed_categories=frozenset(closed_categories),
        open=tuple(opened),
        open_categories=frozenset(open_categories),
    )


def bump_version(**kwargs) -> None:
    cache_version_bump(VERSION_KEY)


def connect() -> None:
    Category = get_model("catalogue", "Category")
    for through in (Drop.products.through, Drop.categories.through):
        m2m_changed.connect(bump_version, sender=through, dispatch_uid=f"drops-{through}")
    for model in (Drop, Category):
        post_save.connect(bump_version, sender=model, dispatch_uid=f"drops-save-{model}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"drops-del-{model}")
