"""Catalog visibility: which products a buyer may see on a site.

The rule, applied by every path that shows or sells a product (listings,
category pages, search, product pages, the category menu, basket, quick
order, reorder, shared baskets, checkout and the API):

    A product is visible to (site, company) iff
      1. its ``channels`` include the site (storefront, portal or both), and
      2. it is not restricted, or the company is granted through any of its
         restrictions.

A product is *restricted* by each of these that applies to it:

* the product's own audience (``Product.visible_to_companies`` / ``visible_to_tiers``
  non-empty);
* a category restriction (``Category.visible_to_companies`` / ``visible_to_tiers``)
  on any category the product is filed in or any ancestor of one: a restricted
  category restricts its whole subtree;
* an :class:`~catalog.models.Assortment` that lists the product, or one of its
  categories or an ancestor of one.

A company is granted through a restriction when the restriction names the
company or the company's price tier (``Company.price_tier``). Without a
company (consumers and visitors on the storefront) restricted products are
never visible. A variant follows its parent.

On top of that, a product in a members' drop (``commerce.members.drops``) is
visible only while one of its drops is open to the viewer: public, or the
viewer is in the drop's segment and its early access has started. The viewer's
segments come with the site: ``site`` may be an :class:`Audience` (a channel and
segment ids; ``request_context`` and ``audience`` build it), and a bare channel
means a viewer in no segment.

Category and assortment rules are few; they are read once into a
:class:`Rules` snapshot (cached, versioned: any change to a restriction bumps
the version) that expands category restrictions to the ids of their subtrees.
The per-product part stays in SQL as ``EXISTS`` subqueries, so filtering a
listing costs no extra query and no Python per product.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model

from catalog import blocks
from commerce import sites
from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead
from commerce.members import drops
from commerce.members.selectors import segment_ids

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
Assortment = get_model("catalogue", "Assortment")

VERSION_KEY = "catalog:visibility-version"
TIMEOUT = 60 * 60

ProductCompany = Product.visible_to_companies.through
ProductTier = Product.visible_to_tiers.through
AssortmentProduct = Assortment.products.through


DropProduct = drops.Drop.products.through


@dataclass(frozen=True)
class Audience:
    """Who is looking: the site's channel and the viewer's consumer segments."""

    channel: str
    segments: frozenset[int] = frozenset()

    def __str__(self) -> str:
        return self.channel


def audience(channel, user) -> Audience:
    """The viewer ``user`` on ``channel`` (segments count on the storefront only)."""
    channel = _channel(channel)
    if channel != sites.STOREFRONT:
        return Audience(channel)
    return Audience(channel, segment_ids(user))


def _segments(site) -> frozenset[int]:
    return getattr(site, "segments", frozenset())


def _drop_filter(site, product_ref: str) -> Q:
    """Hides products whose drops are all closed to the viewer (``Q()`` when none is)."""
    closed = drops.closed_for(_segments(site))
    if not closed:
        return Q()
    field = f"{product_ref}__in"

    def listed(drop_ids, category_ids) -> Q:
        found = Q(**{field: DropProduct.objects.filter(drop_id__in=drop_ids).values("product_id")})
        if category_ids:
            filed = ProductCategory.objects.filter(category_id__in=sorted(category_ids))
            found |= Q(**{field: filed.values("product_id")})
        return found

    shown = ~listed(closed.closed, closed.closed_categories)
    if closed.open:
        shown |= listed(closed.open, closed.open_categories)
    return shown


def _grant_sets() -> tuple[set, set]:
    return set(), set()


@dataclass
class Rules:
    """Category and assortment restrictions, expanded (a snapshot, cached)."""

    # Categories (subtrees expanded) under any category or assortment restriction.
    restricted_category_ids: frozenset[int] = frozenset()
    # category id -> (company ids, tier ids) granted through any restriction covering it
    category_grants: dict[int, tuple[set, set]] = field(default_factory=dict)
    # assortment id -> (company ids, tier ids)
    assortment_grants: dict[int, tuple[set, set]] = field(default_factory=dict)
    # Every company / tier named by any restriction (for cache keys of per-audience data).
    named_companies: frozenset[int] = frozenset()
    named_tiers: frozenset[int] = frozenset()

    @staticmethod
    def _grants(grants: tuple[set, set], company_id, tier_id) -> bool:
        companies, tiers = grants
        return company_id in companies or (tier_id is not None and tier_id in tiers)

    def granted_categories(self, company_id: int, tier_id: int | None) -> list[int]:
        return sorted(
            pk for pk, g in self.category_grants.items() if self._grants(g, company_id, tier_id)
        )

    def granted_assortments(self, company_id: int, tier_id: int | None) -> list[int]:
        return sorted(
            pk for pk, g in self.assortment_grants.items() if self._grants(g, company_id, tier_id)
        )


def _version() -> str:
    return cache_version(VERSION_KEY)


def version() -> str:
    """Changes whenever any restriction changes (part of cache keys that depend on it)."""
    return _version()


def bump_version(**kwargs) -> None:
    """A restriction changed: the rules, and every block of listing counts."""
    cache_version_bump(VERSION_KEY)
    blocks.bump_epoch()


def _product_audience_changed(sender, instance, reverse, pk_set, **kwargs) -> None:
    """A product's own audience: the rules (which companies and tiers are named),
    and the listing counts of the products' blocks only (their rows alone decide
    whether they are granted); every block when not told which products."""
    if not reverse:
        cache_version_bump(VERSION_KEY)
        blocks.bump_products([instance.pk])
    elif pk_set is not None:
        cache_version_bump(VERSION_KEY)
        blocks.bump_products(pk_set)
    else:
        bump_version()


def _build_rules() -> Rules:
    paths = dict(Category.objects.values_list("pk", "path"))
    # Restricting "roots": (category id, company ids, tier ids, assortment id or None)
    roots: dict[tuple[int, int | None], tuple[set, set]] = defaultdict(_grant_sets)
    cat_companies = Category.visible_to_companies.through.objects.values_list(
        "category_id", "company_id"
    )
    for category_id, company_id in cat_companies:
        roots[(category_id, None)][0].add(company_id)
    for category_id, tier_id in Category.visible_to_tiers.through.objects.values_list(
        "category_id", "pricelist_id"
    ):
        roots[(category_id, None)][1].add(tier_id)
    assortment_grants: dict[int, tuple[set, set]] = defaultdict(_grant_sets)
    for assortment_id in Assortment.objects.values_list("pk", flat=True):
        assortment_grants[assortment_id]
    for assortment_id, company_id in Assortment.companies.through.objects.values_list(
        "assortment_id", "company_id"
    ):
        assortment_grants[assortment_id][0].add(company_id)
    for assortment_id, tier_id in Assortment.tiers.through.objects.values_list(
        "assortment_id", "pricelist_id"
    ):
        assortment_grants[assortment_id][1].add(tier_id)
    for assortment_id, category_id in Assortment.categories.through.objects.values_list(
        "assortment_id", "category_id"
    ):
        companies, tiers = assortment_grants[assortment_id]
        grant = roots[(category_id, assortment_id)]
        grant[0].update(companies)
        grant[1].update(tiers)

    category_grants: dict[int, tuple[set, set]] = defaultdict(_grant_sets)
    by_path = sorted(paths.items(), key=lambda item: item[1])
    for (root_id, _source), (companies, tiers) in roots.items():
        root_path = paths.get(root_id)
        if root_path is None:
            continue
        for pk, path in by_path:
            if path.startswith(root_path):
                category_grants[pk][0].update(companies)
                category_grants[pk][1].update(tiers)

    named_companies = set(ProductCompany.objects.values_list("company_id", flat=True).distinct())
    named_tiers = set(ProductTier.objects.values_list("pricelist_id", flat=True).distinct())
    for companies, tiers in [*category_grants.values(), *assortment_grants.values()]:
        named_companies |= companies
        named_tiers |= tiers
    return Rules(
        restricted_category_ids=frozenset(category_grants),
        category_grants=dict(category_grants),
        assortment_grants=dict(assortment_grants),
        named_companies=frozenset(named_companies),
        named_tiers=frozenset(named_tiers),
    )


def rules() -> Rules:
    key = f"catalog:visibility-rules:{_version()}"
    cached = cache.get(key)
    if cached is None:
        cached = _build_rules()
        cache.set(key, cached, TIMEOUT)
    return cached


register_read_ahead(lambda request: [VERSION_KEY])
register_read_ahead(lambda request: [f"catalog:visibility-rules:{_version()}"], stage=2)


def _channel(site) -> str:
    channel = getattr(site, "channel", site)
    return sites.PORTAL if channel == sites.PORTAL else sites.STOREFRONT


def _tier_id(company) -> int | None:
    return company.price_tier_id if company is not None else None


def visibility_filter(*, site, company, product_ref: str = "pk") -> Q:
    """The rule as a filter on products (``product_ref`` names the product's id)."""
    channel = _channel(site)
    current = rules()
    sold_here = Q(channels__in=[channel, Product._meta.get_field("channels").default])
    if company is None:
        # "Not restricted" as NOT EXISTS terms joined by AND: PostgreSQL turns
        # those into anti-joins when nothing is ORed with them.
        pk = OuterRef(product_ref)
        restrictions = [
            Exists(ProductCompany.objects.filter(product_id=pk)),
            Exists(ProductTier.objects.filter(product_id=pk)),
            Exists(AssortmentProduct.objects.filter(product_id=pk)),
        ]
        if current.restricted_category_ids:
            restrictions.append(
                Exists(
                    ProductCategory.objects.filter(
                        product_id=pk, category_id__in=sorted(current.restricted_category_ids)
                    )
                )
            )
        unrestricted = Q()
        for restriction in restrictions:
            unrestricted &= ~restriction
        return sold_here & unrestricted & _drop_filter(site, product_ref)
    # For a company the grants are ORed with "unrestricted", which PostgreSQL
    # cannot turn into joins; uncorrelated IN subqueries become hashed subplans,
    # built once per query instead of probed once per product.
    tier_id = _tier_id(company)
    restricted = [
        ProductCompany.objects.values("product_id"),
        ProductTier.objects.values("product_id"),
        AssortmentProduct.objects.values("product_id"),
    ]
    granted = [ProductCompany.objects.filter(company_id=company.pk).values("product_id")]
    if current.restricted_category_ids:
        restricted.append(
            ProductCategory.objects.filter(
                category_id__in=sorted(current.restricted_category_ids)
            ).values("product_id")
        )
    if tier_id is not None:
        granted.append(ProductTier.objects.filter(pricelist_id=tier_id).values("product_id"))
    categories = current.granted_categories(company.pk, tier_id)
    if categories:
        granted.append(
            ProductCategory.objects.filter(category_id__in=categories).values("product_id")
        )
    assortments = current.granted_assortments(company.pk, tier_id)
    if assortments:
        granted.append(
            AssortmentProduct.objects.filter(assortment_id__in=assortments).values("product_id")
        )
    field = f"{product_ref}__in"
    unrestricted = Q()
    for ids in restricted:
        unrestricted &= ~Q(**{field: ids})
    allowed = Q()
    for ids in granted:
        allowed |= Q(**{field: ids})
    return sold_here & (unrestricted | allowed) & _drop_filter(site, product_ref)


def visible_products(queryset: QuerySet, *, site, company) -> QuerySet:
    """``queryset`` narrowed to the products visible to ``company`` on ``site``.

    ``site`` is a channel name or a :class:`commerce.sites.SiteInfo`; ``company``
    is the active company on the portal, None for consumers and visitors.
    """
    return queryset.filter(visibility_filter(site=site, company=company))


def visible_ids(products, *, site, company) -> set[int]:
    """Ids of those of ``products`` that are visible (one query; variants follow
    their parent)."""
    products = list(products)
    if not products:
        return set()
    owner = {p.pk: (p.parent_id or p.pk) for p in products}
    visible = set(
        visible_products(
            Product.objects.filter(pk__in=set(owner.values())), site=site, company=company
        ).values_list("pk", flat=True)
    )
    return {pk for pk, owner_pk in owner.items() if owner_pk in visible}


def is_visible(product, *, site, company) -> bool:
    return product.pk in visible_ids([product], site=site, company=company)


def hidden_category_ids(*, site, company) -> frozenset[int]:
    """Categories restricted by a category or assortment rule that does not grant
    ``company``: their names are not shown to it (no query once the rules are cached)."""
    current = rules()
    closed = drops.closed_for(_segments(site))
    dropped = closed.closed_categories - closed.open_categories
    if company is None:
        return current.restricted_category_ids | dropped
    granted = current.granted_categories(company.pk, _tier_id(company))
    return (current.restricted_category_ids - frozenset(granted)) | dropped


def request_context(request) -> tuple[Audience, object | None]:
    """(site, company) of a request: its channel with the viewer's segments, and
    the active company on the portal."""
    channel = _channel(getattr(request, "channel", sites.STOREFRONT))
    company = getattr(request, "company", None) if channel == sites.PORTAL else None
    user = getattr(request, "user", None)
    # Once per request and viewer (DRF authenticates a token after the middlewares ran).
    who = (channel, getattr(user, "pk", None))
    known = getattr(request, "_visibility_audience", None)
    if known is None or known[0] != who:
        known = (who, audience(channel, user))
        request._visibility_audience = known
    return known[1], company


def audience_key(*, site, company, versioned: bool = True) -> str:
    """A cache key part shared by everyone who sees the same catalog: companies
    and tiers that no restriction names see the same as anyone else on the site.
    Without ``versioned`` the rules' version is left out (for keys that carry the
    count epoch of ``catalog.blocks`` instead)."""
    channel = _channel(site)
    viewer = drops.closed_for(_segments(site)).key()
    if viewer:
        channel = f"{channel}:{viewer}"
    version = [str(_version())] if versioned else []
    if company is None:
        return ":".join([channel, "public", *version])
    current = rules()
    parts = [channel]
    if company.pk in current.named_companies:
        parts.append(f"c{company.pk}")
    tier_id = _tier_id(company)
    if tier_id is not None and tier_id in current.named_tiers:
        parts.append(f"t{tier_id}")
    if len(parts) == 1:
        parts.append("public")
    return ":".join([*parts, *version])


def _connect() -> None:
    for through in (Product.visible_to_companies.through, Product.visible_to_tiers.through):
        m2m_changed.connect(
            _product_audience_changed, sender=through, dispatch_uid=f"visibility-{through}"
        )
    throughs = [
        Category.visible_to_companies.through,
        Category.visible_to_tiers.through,
        Assortment.products.through,
        Assortment.categories.through,
        Assortment.companies.through,
        Assortment.tiers.through,
    ]
    for through in throughs:
        m2m_changed.connect(bump_version, sender=through, dispatch_uid=f"visibility-{through}")
    for model in (Category, Assortment):
        post_save.connect(bump_version, sender=model, dispatch_uid=f"visibility-save-{model}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"visibility-del-{model}")


_connect()
