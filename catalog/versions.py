"""Version counters of everything a catalog page shows, by kind of change.

Cached listings (``catalog.listing_cache``) carry the current version of every
kind in their keys; a change of any kind retires them at once:

    product     products, their categories, attributes, images
    stock       stock records (list prices, SKUs, and availability as shown:
                out of stock with its back-in-stock date, at or below the
                low-stock threshold, in stock), partners (their lead times)
    price       price lists and their entries, members' prices
    visibility  channel and audience restrictions (``catalog.visibility``)
    promotion   promotions applied by the pricing engine
    category    category names, order, restrictions

Model signals bump them for every write that goes through models. The listing
counts (``catalog.blocks``) are kept by block of product ids: receivers that
know the products a write touches (products, their categories, attribute
values and images, stock records) bump those products' blocks; every other
bump of a counted kind (``COUNTED_KINDS``) retires every block. Bulk writes
(imports) and anything outside the catalog that changes what a listing shows
call ``bump_catalog_version(kind)`` themselves, e.g. after a promotion is
created, changed or ends::

    from catalog.versions import bump_catalog_version
    bump_catalog_version("promotion")
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from oscar.core.loading import get_model

from catalog import blocks, visibility
from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead

KINDS = ("product", "stock", "price", "visibility", "promotion", "category")
# Prices and promotions change no count: products, stock (availability),
# visibility and categories (names, restrictions) do.
COUNTED_KINDS = tuple(kind for kind in KINDS if kind not in ("price", "promotion"))


def _key(kind: str) -> str:
    if kind == "visibility":
        return visibility.VERSION_KEY  # the rules snapshot's own version
    return f"catalog:{kind}-version"


def bump_catalog_version(kind: str = "product", **signal_kwargs) -> None:
    """Retire every cached page that depends on ``kind`` (one of ``KINDS``), and
    every block of listing counts for a counted kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown catalog change kind {kind!r}")
    cache_version_bump(_key(kind))
    if kind in COUNTED_KINDS:
        blocks.bump_epoch()


def bump_for_products(kind: str, product_ids) -> None:
    """Retire every cached page that depends on ``kind``, and the listing counts of
    the blocks of ``product_ids`` only (the receivers that know them)."""
    cache_version_bump(_key(kind))
    blocks.bump_products(product_ids)


def catalog_versions(kinds=KINDS) -> str:
    """The current versions of ``kinds``, as one key part (one cache round trip when warm)."""
    keys = [_key(kind) for kind in kinds]
    found = cache.get_many(keys)
    return ".".join(found.get(key) or cache_version(key) for key in keys)


register_read_ahead(lambda request: [_key(kind) for kind in KINDS])


def _bumper(kind: str):
    def bump(sender, **kwargs):
        bump_catalog_version(kind)

    return bump


_receivers = {kind: _bumper(kind) for kind in KINDS}


def _product_saved(sender, instance, created=False, **kwargs):
    """A product's own row: its block and, for a variant, its parent's."""
    bump_for_products("product", [instance.pk, instance.parent_id])
    if created:
        blocks.product_created()


def _product_part_changed(sender, instance, **kwargs):
    """A row of one product (a category filing, an attribute value, an image)."""
    bump_for_products("product", [instance.product_id])


def _product_m2m_changed(sender, instance, reverse, pk_set, **kwargs):
    """Options and recommendations: the products named, or every block when the
    change is not told which."""
    Product = get_model("catalogue", "Product")
    if isinstance(instance, Product) and not reverse:
        bump_for_products("product", [instance.pk])
    elif pk_set is not None:
        bump_for_products("product", pk_set)
    else:
        bump_catalog_version("product")


def connect() -> None:
    Product = get_model("catalogue", "Product")
    uid = "catalog-versions-product"
    post_save.connect(_product_saved, sender=Product, dispatch_uid=f"{uid}-save", weak=False)
    post_delete.connect(_product_saved, sender=Product, dispatch_uid=f"{uid}-del", weak=False)
    for name in ("ProductCategory", "ProductAttributeValue", "ProductImage"):
        model = get_model("catalogue", name)
        for signal, action in ((post_save, "save"), (post_delete, "del")):
            signal.connect(
                _product_part_changed,
                sender=model,
                dispatch_uid=f"{uid}-{name}-{action}",
                weak=False,
            )
    watched = {
        "product": [("catalogue", "ProductClass")],
        "price": [
            ("partner", "PriceList"),
            ("partner", "PriceListEntry"),
            ("members", "MembersPrice"),
        ],
        "category": [("catalogue", "Category")],
        # A members' drop (its window, segment, products, categories) decides what
        # listings, counts and product pages show; a page key names only which
        # drops are open to the viewer.
        "visibility": [("members", "Drop")],
        # A partner's lead time is the delivery estimate of its out-of-stock products.
        "stock": [("partner", "Partner")],
    }
    for kind, models in watched.items():
        for label, name in models:
            model = get_model(label, name)
            receiver = _receivers[kind]
            uid = f"catalog-versions-{kind}-{label}.{name}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save", weak=False)
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-del", weak=False)
    _connect_promotions()
    _connect_stock()
    for through in (Product.product_options.through, Product.recommended_products.through):
        m2m_changed.connect(
            _product_m2m_changed, sender=through, dispatch_uid=f"catalog-versions-{through}"
        )
    Drop = get_model("members", "Drop")
    for through in (Drop.products.through, Drop.categories.through):
        m2m_changed.connect(
            _receivers["visibility"], sender=through, dispatch_uid=f"catalog-versions-{through}"
        )


# --- stock: only what pages show of it -----------------------------------------------


def stock_shown(record) -> tuple | None:
    """What pages show of a stock record: its price and SKU, and its stock only as
    out of stock, the exact level at or below its low-stock threshold, or "in
    stock" above it (``pricing.strategy.StockLevel``). None when a field was not
    loaded (then any save counts as a change)."""
    values = record.__dict__
    names = (
        "price",
        "price_currency",
        "partner_sku",
        "num_in_stock",
        "num_allocated",
        "low_stock_threshold",
        "back_in_stock",
    )
    if any(name not in values for name in names):
        return None
    free = max((values["num_in_stock"] or 0) - (values["num_allocated"] or 0), 0)
    low = values["low_stock_threshold"] or 0
    level = free if free <= low else "in stock"
    # The back-in-stock date is shown (as the delivery estimate) only while out of stock.
    back = values["back_in_stock"] if level == 0 else None
    return (values["price"], values["price_currency"], values["partner_sku"], level, back)


def _remember_stock(sender, instance, **kwargs):
    instance._stock_shown = stock_shown(instance)


def _stock_saved(sender, instance, created=False, **kwargs):
    """Every order moves stock; cached pages are rebuilt only when what they show of
    it changed (a sale that leaves a product plainly in stock retires nothing)."""
    shown = stock_shown(instance)
    before = instance.__dict__.get("_stock_shown")
    instance._stock_shown = shown
    if created or shown is None or before is None or before != shown:
        bump_for_products("stock", [instance.product_id])


def _stock_deleted(sender, instance, **kwargs):
    bump_for_products("stock", [instance.product_id])


def _connect_stock() -> None:
    StockRecord = get_model("partner", "StockRecord")
    uid = "catalog-versions-stock"
    for signal, receiver, name in (
        (post_init, _remember_stock, "init"),
        (post_save, _stock_saved, "save"),
        (post_delete, _stock_deleted, "del"),
    ):
        signal.connect(receiver, sender=StockRecord, dispatch_uid=f"{uid}-{name}", weak=False)


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
