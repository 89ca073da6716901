"""Version counters of everything a catalog page shows, by kind of change.

Cached listings (``catalog.listing_cache``) carry the current version of every
kind in their keys; a change of any kind retires them at once:

    product     products, their categories, attributes, images
    stock       stock records (availability, list prices)
    price       price lists and their entries, members' prices
    visibility  channel and audience restrictions (``catalog.visibility``)
    promotion   promotions applied by the pricing engine
    category    category names, order, restrictions

Model signals bump them for every write that goes through models; bulk writes
(imports) and anything outside the catalog that changes what a listing shows
call ``bump_catalog_version(kind)`` themselves, e.g. after a promotion is
created, changed or ends::

    from catalog.versions import bump_catalog_version
    bump_catalog_version("promotion")
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model

from catalog import visibility
from commerce.core.cache import cache_version, cache_version_bump

KINDS = ("product", "stock", "price", "visibility", "promotion", "category")


def _key(kind: str) -> str:
    if kind == "visibility":
        return visibility.VERSION_KEY  # the rules snapshot's own version
    return f"catalog:{kind}-version"


def bump_catalog_version(kind: str = "product", **signal_kwargs) -> None:
    """Retire every cached page that depends on ``kind`` (one of ``KINDS``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown catalog change kind {kind!r}")
    cache_version_bump(_key(kind))


def catalog_versions(kinds=KINDS) -> str:
    """The current versions of ``kinds``, as one key part (one cache round trip when warm)."""
    keys = [_key(kind) for kind in kinds]
    found = cache.get_many(keys)
    return ".".join(found.get(key) or cache_version(key) for key in keys)


def _bumper(kind: str):
    def bump(sender, **kwargs):
        bump_catalog_version(kind)

    return bump


_receivers = {kind: _bumper(kind) for kind in KINDS}


def connect() -> None:
    watched = {
        "product": [
            ("catalogue", "Product"),
            ("catalogue", "ProductCategory"),
            ("catalogue", "ProductAttributeValue"),
            ("catalogue", "ProductImage"),
            ("catalogue", "ProductClass"),
        ],
        "stock": [("partner", "StockRecord")],
        "price": [
            ("partner", "PriceList"),
            ("partner", "PriceListEntry"),
            ("members", "MembersPrice"),
        ],
        "category": [("catalogue", "Category")],
    }
    for kind, models in watched.items():
        for label, name in models:
            model = get_model(label, name)
            receiver = _receivers[kind]
            uid = f"catalog-versions-{kind}-{label}.{name}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save", weak=False)
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-del", weak=False)
    _connect_promotions()
    Product = get_model("catalogue", "Product")
    for through in (Product.product_options.through, Product.recommended_products.through):
        m2m_changed.connect(
            _receivers["product"], sender=through, dispatch_uid=f"catalog-versions-{through}"
        )


def _connect_promotions() -> None:
    """Promotions (where the pricing engine has them) bump the "promotion" kind.

    The price audience already changes with the promotions in scope (they are
    part of the pricing context), this retires pages at the moment of the edit."""
    try:
        Promotion = get_model("partner", "Promotion")
    except LookupError:
        return
    receiver = _receivers["promotion"]
    post_save.connect(receiver, sender=Promotion, dispatch_uid="catalog-versions-promo-save")
    post_delete.connect(receiver, sender=Promotion, dispatch_uid="catalog-versions-promo-del")
    for field in Promotion._meta.many_to_many:
        m2m_changed.connect(
            receiver, sender=field.remote_field.through, dispatch_uid=f"catalog-versions-{field}"
        )
