"""Demo catalog: a category tree, products with generated images, two warehouses.

Idempotent: products are keyed by UPC, categories by name under their parent,
partners by code; running it again only adds what is missing. Sized by
``count`` so it doubles as benchmark data (``seed_demo --products 50000``).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from oscar.core.loading import get_model
from oscar.core.utils import slugify
from PIL import Image, ImageDraw

from catalog import search
from commerce.core.money import quantize
from commerce.demo.pictures import product_picture

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

BATCH = 1000
UPC_PREFIX = "NW-"

# top-level category -> leaf -> (name patterns, price range in EUR net)
TREE: dict[str, dict[str, tuple[list[str], tuple[int, int]]]] = {
    "Fasteners": {
        "Bolts": (["Hex bolt M{m} x {l} mm, {finish}", "Carriage bolt M{m} x {l} mm"], (1, 30)),
        "Screws": (["Wood screw {d} x {l} mm, {finish}", "Machine screw M{m} x {l} mm"], (1, 25)),
        "Nuts & washers": (["Hex nut M{m}, {finish}", "Flat washer M{m}, box of {pack}"], (1, 15)),
        "Anchors": (["Nylon wall plug {d} mm, box of {pack}", "Sleeve anchor M{m}"], (2, 40)),
    },
    "Hand tools": {
        "Wrenches": (["Combination wrench {w} mm", "Adjustable wrench {l} mm"], (8, 60)),
        "Screwdrivers": (
            ["Screwdriver set, {pack} pieces", "Precision screwdriver PH{p}"],
            (5, 70),
        ),
        "Pliers": (["Combination pliers {l} mm", "Long-nose pliers {l} mm"], (9, 55)),
        "Hammers": (["Claw hammer {g} g", "Rubber mallet {g} g"], (12, 65)),
    },
    "Power tools": {
        "Drills": (["Cordless drill {v} V", "Hammer drill {watt} W"], (60, 420)),
        "Saws": (["Circular saw {watt} W", "Jigsaw {watt} W"], (70, 380)),
        "Grinders": (["Angle grinder {d2} mm, {watt} W"], (45, 260)),
        "Batteries & chargers": (["Battery pack {v} V {ah} Ah", "Fast charger {v} V"], (30, 180)),
    },
    "Safety": {
        "Gloves": (
            ["Work gloves size {size}, {pack} pairs", "Nitrile gloves {size}, box of {pack}"],
            (4, 35),
        ),
        "Eyewear": (["Safety glasses, {tint} lens", "Safety goggles, {tint}"], (5, 40)),
        "Hearing protection": (
            ["Ear defenders SNR {snr} dB", "Foam ear plugs, box of {pack}"],
            (6, 45),
        ),
        "Workwear": (["Work trousers size {size}", "Hi-vis vest size {size}"], (15, 90)),
    },
    "Electrical": {
        "Cable": (["Installation cable 3x{mm2} mm², {l} m", "Extension lead {l} m"], (10, 150)),
        "Connectors": (
            ["Lever connector {poles}-pole, box of {pack}", "Crimp terminals, {pack} pcs"],
            (3, 40),
        ),
        "Lighting": (["LED work light {watt} W", "LED panel {watt} W"], (15, 140)),
        "Switches": (["Rocker switch {poles}-pole", "Time switch, {pack} programs"], (4, 60)),
    },
    "Workshop": {
        "Storage": (
            ["Parts organiser, {pack} drawers", "Steel tool chest, {pack} drawers"],
            (15, 450),
        ),
        "Adhesives": (["Epoxy adhesive {ml} ml", "Construction adhesive {ml} ml"], (5, 30)),
        "Abrasives": (
            ["Sanding discs P{grit}, pack of {pack}", "Flap disc {d2} mm P{grit}"],
            (3, 35),
        ),
        "Lubricants": (["Multi-purpose oil {ml} ml", "Lithium grease {ml} g"], (4, 25)),
    },
}

_FILLERS = {
    "m": [4, 5, 6, 8, 10, 12, 16],
    "l": [16, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 250, 300],
    "d": [3, 4, 5, 6, 8, 10],
    "d2": [115, 125, 150, 230],
    "finish": ["zinc plated", "stainless A2", "black oxide", "hot-dip galvanised"],
    "pack": [5, 10, 12, 20, 25, 50, 100, 200],
    "w": [8, 10, 13, 17, 19, 22, 24],
    "p": [0, 1, 2],
    "g": [300, 450, 600, 800],
    "v": [12, 18, 36],
    "ah": [2, 4, 5, 8],
    "watt": [20, 30, 50, 600, 900, 1200, 1800],
    "size": ["S", "M", "L", "XL"],
    "tint": ["clear", "smoke", "amber"],
    "snr": [25, 30, 33, 37],
    "mm2": ["1.5", "2.5"],
    "poles": [2, 3, 5],
    "ml": [50, 100, 250, 400],
    "grit": [40, 80, 120, 240],
}

_PALETTE = ["#0f766e", "#1d4ed8", "#b45309", "#7c3aed", "#be123c", "#15803d", "#334155"]

PARTNERS = [("central", "Central Warehouse"), ("north", "North Warehouse")]


def upc_for(index: int) -> str:
    return f"{UPC_PREFIX}{index:06d}"


def _leaves() -> list[tuple[str, str, list[str], tuple[int, int]]]:
    return [
        (top, leaf, patterns, prices)
        for top, leaves in TREE.items()
        for leaf, (patterns, prices) in leaves.items()
    ]


def ensure_categories() -> dict[str, object]:
    """The category tree; returns leaf name -> Category."""
    by_leaf = {}
    for top, leaves in TREE.items():
        root = Category.objects.get_root_nodes().filter(name=top).first()
        if root is None:
            root = Category.add_root(name=top, description=f"{top} for trade and home.")
        for leaf in leaves:
            child = root.get_children().filter(name=leaf).first()
            if child is None:
                child = root.add_child(name=leaf)
            by_leaf[leaf] = child
    return by_leaf


def ensure_partners() -> list:
    partners = []
    for code, name in PARTNERS:
        partner, _ = Partner.objects.get_or_create(code=code, defaults={"name": name})
        partners.append(partner)
    return partners


def product_spec(index: int) -> dict:
    """Deterministic title/category/price/stock for the product with this index."""
    rng = random.Random(index)
    leaves = _leaves()
    top, leaf, patterns, (low, high) = leaves[index % len(leaves)]
    pattern = rng.choice(patterns)
    fill = {key: rng.choice(values) for key, values in _FILLERS.items()}
    title = pattern.format(**fill)
    price = quantize(Decimal(rng.randint(low * 100, high * 100)) / 100)
    return {
        "upc": upc_for(index),
        "title": title,
        "leaf": leaf,
        "top": top,
        "price": price,
        "stock": [rng.choice([0, 5, 20, 50, 120, 300]), rng.choice([0, 10, 40, 80, 200])],
        "priority": rng.randint(0, 10),
        "color": _PALETTE[index % len(_PALETTE)],
    }


def render_image(spec: dict) -> bytes:
    """The product's picture: its family's object in the product's colour."""
    return product_picture(family=spec["top"], color=spec["color"])


BRANDS = ["Northwind", "Hartmann", "Voltra", "Ironclad", "Keller & Sohn"]
ORIGINS = ["Germany", "Austria", "Czechia", "Poland", "Italy"]
# (code, name, type) of the specifications every demo product carries.
ATTRIBUTES = [
    ("brand", "Brand", "text"),
    ("weight", "Weight (g)", "integer"),
    ("warranty", "Warranty (years)", "integer"),
    ("origin", "Country of origin", "text"),
]


def spec_values(index: int) -> dict:
    rng = random.Random(f"spec-{index}")
    return {
        "brand": rng.choice(BRANDS),
        "weight": rng.choice([15, 40, 120, 350, 800, 1500, 2400]),
        "warranty": rng.choice([1, 2, 3, 5]),
        "origin": rng.choice(ORIGINS),
    }


def _spec_rows(spec: dict) -> list[tuple[str, str, object]]:
    values = spec_values(int(spec["upc"][len(UPC_PREFIX) :]))
    return [(code, kind, values[code]) for code, _name, kind in ATTRIBUTES]


def ensure_attributes(product_class) -> dict:
    """The specification attributes of the demo product class: code -> attribute."""
    found = {}
    for code, name, kind in ATTRIBUTES:
        found[code], _ = ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code, defaults={"name": name, "type": kind}
        )
    return found


def seed_specifications(product_class) -> None:
    """Attribute values (the product page's specifications) for demo products
    that have none yet; idempotent."""
    attributes = ensure_attributes(product_class)
    missing = Product.objects.filter(
        upc__startswith=UPC_PREFIX, product_class=product_class
    ).exclude(attribute_values__attribute__code="brand")
    rows = []
    pks = []
    for pk, upc in missing.values_list("pk", "upc"):
        pks.append(pk)
        for code, kind, value in _spec_rows({"upc": upc}):
            field = "value_text" if kind == "text" else "value_integer"
            rows.append(
                ProductAttributeValue(product_id=pk, attribute=attributes[code], **{field: value})
            )
    ProductAttributeValue.objects.bulk_create(rows, batch_size=BATCH)
    search.reindex(pks)


def ensure_missing_image() -> None:
    """Oscar shows OSCAR_MISSING_IMAGE_URL (relative to MEDIA_ROOT) for products without one."""
    name = settings.OSCAR_MISSING_IMAGE_URL
    if not default_storage.exists(name):
        image = Image.new("RGB", (320, 320), "#e2e8f0")
        ImageDraw.Draw(image).text((120, 150), "No image", fill="#64748b")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=70)
        default_storage.save(name, ContentFile(buffer.getvalue()))


def seed_catalog(
    count: int, *, images: bool = True, progress: Callable[[int], None] = lambda n: None
) -> int:
    """Create demo products 0..count-1 that do not exist yet; returns how many were created."""
    ensure_missing_image()
    leaves = ensure_categories()
    partners = ensure_partners()
    product_class, _ = ProductClass.objects.get_or_create(
        slug="standard",
        defaults={"name": "Standard", "track_stock": True, "requires_shipping": True},
    )
    # Specifications on every demo product: attributes the product page shows,
    # search finds and facets count.
    attributes = ensure_attributes(product_class)
    existing = set(Product.objects.filter(upc__startswith=UPC_PREFIX).values_list("upc", flat=True))
    progress(min(len(existing), count))
    created = 0
    for start in range(0, count, BATCH):
        specs = [
            product_spec(i)
            for i in range(start, min(start + BATCH, count))
            if upc_for(i) not in existing
        ]
        if not specs:
            continue
        with transaction.atomic():
            products = Product.objects.bulk_create(
                [
                    Product(
                        upc=s["upc"],
                        title=s["title"],
                        slug=slugify(s["title"])[:128],
                        description=f"{s['title']}. Trade quality for {s['top'].lower()}.",
                        product_class=product_class,
                        structure=Product.STANDALONE,
                        priority=s["priority"],
                        is_public=True,
                    )
                    for s in specs
                ]
            )
            if products and products[0].pk is None:  # backends without RETURNING
                by_upc = dict(
                    Product.objects.filter(upc__in=[s["upc"] for s in specs]).values_list(
                        "upc", "pk"
                    )
                )
                for product in products:
                    product.pk = product.id = by_upc[product.upc]
            ProductCategory.objects.bulk_create(
                [
                    ProductCategory(product=p, category=leaves[s["leaf"]])
                    for p, s in zip(products, specs, strict=True)
                ]
            )
            StockRecord.objects.bulk_create(
                [
                    StockRecord(
                        product=p,
                        partner=partner,
                        partner_sku=f"{partner.code.upper()}-{s['upc']}",
                        price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                        price=s["price"],
                        num_in_stock=s["stock"][n],
                        low_stock_threshold=5,
                    )
                    for p, s in zip(products, specs, strict=True)
                    for n, partner in enumerate(partners)
                ]
            )
            if images:
                rows = []
                for p, s in zip(products, specs, strict=True):
                    name = default_storage.save(
                        f"images/products/demo/{s['upc']}.jpg", ContentFile(render_image(s))
                    )
                    rows.append(ProductImage(product=p, original=name, display_order=0))
                ProductImage.objects.bulk_create(rows)
            ProductAttributeValue.objects.bulk_create(
                [
                    ProductAttributeValue(
                        product=p,
                        attribute=attributes[code],
                        **{"value_text" if kind == "text" else "value_integer": value},
                    )
                    for p, s in zip(products, specs, strict=True)
                    for code, kind, value in _spec_rows(s)
                ]
            )
            search.reindex(p.pk for p in products)
        created += len(specs)
        progress(len(specs))
    seed_specifications(product_class)
    return created


# Demo visibility, on the last products of the demo range (past demo orders use
# the first ones): four sold on the portal only, one on the storefront only,
# and four in an assortment only Acme sees.
ACME_ASSORTMENT = "Acme engineered parts"


def seed_visibility(companies: dict, count: int) -> None:
    """Channels and one company-specific assortment on the demo catalog (idempotent)."""
    if count < 20:
        return
    Assortment = get_model("catalogue", "Assortment")
    tail = [upc_for(i) for i in range(count - 9, count)]
    Product.objects.filter(upc__in=tail[:4]).update(channels="portal")
    Product.objects.filter(upc__in=tail[4:5]).update(channels="storefront")
    assortment, _ = Assortment.objects.get_or_create(
        name=ACME_ASSORTMENT,
        defaults={"description": "Parts made to Acme's drawings; sold to Acme only."},
    )
    assortment.products.set(Product.objects.filter(upc__in=tail[5:]))
    assortment.companies.set([companies["Acme Industrial"]])
