"""Products exported in the format ``catalog.imports`` reads (CSV or XLSX).

One row per product (variants aside) in SKU order; columns are the base ones,
then ``attr:<code>`` per importable attribute code and ``stock:``/``price:`` per
partner, all sorted, so exporting the same catalog twice gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from oscar.core.loading import get_model

from catalog.imports import (
    ATTR,
    BASE_COLUMNS,
    CHUNK,
    FALSE,
    LIST_SEPARATOR,
    PRICE,
    STOCK,
    SUPPORTED_TYPES,
    TRUE,
    category_paths,
)
from commerce.core.exports import csv_lines, xlsx_write

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
Partner = get_model("partner", "Partner")


def format_attribute(value: ProductAttributeValue, kind: str) -> str:
    """An attribute value as the CSV cell import reads back to the same value."""
    raw = getattr(value, f"value_{kind}")
    if raw is None:
        return ""
    if kind == "boolean":
        return TRUE if raw else FALSE
    if kind == "date":
        return raw.isoformat()
    if kind == "option":
        return raw.option
    if kind == "float":
        return repr(raw)
    return str(raw)


def export_columns() -> list[str]:
    codes = sorted(
        {
            code.lower()
            for code, kind in ProductAttribute.objects.values_list("code", "type")
            if kind in SUPPORTED_TYPES
        }
    )
    partners = sorted(code.lower() for code in Partner.objects.values_list("code", flat=True))
    return [
        *BASE_COLUMNS,
        *(f"{ATTR}{code}" for code in codes),
        *(f"{prefix}{code}" for code in partners for prefix in (STOCK, PRICE)),
    ]


def export_rows() -> Iterator[str]:
    """Every product (variants aside) as CSV text, a line at a time (streams any size)."""
    return csv_lines(export_table())


def export_xlsx(target) -> None:
    """The same table as an XLSX workbook written to ``target`` (a path or binary file).

    Every cell is written as text, so SKUs like ``00123`` and prices keep their form.
    """
    xlsx_write(target, export_table(), sheet_title="Products")


def export_table() -> Iterator[list[str]]:
    """The header, then one row of cells (text) per product, in SKU order."""
    columns = export_columns()
    yield columns
    paths = category_paths()
    partner_codes = {pk: code.lower() for pk, code in Partner.objects.values_list("pk", "code")}
    products = (
        Product.objects.filter(parent__isnull=True)
        .select_related("product_class")
        .prefetch_related(
            "categories",
            "assortments",
            "stockrecords",
            "attribute_values__attribute",
            "attribute_values__value_option",
        )
        .order_by("upc", "pk")
    )
    for product in products.iterator(chunk_size=CHUNK):
        cells = {
            "sku": product.upc,
            "title": product.title,
            "product_class": product.product_class.name if product.product_class else "",
            "description": product.description,
            "categories": LIST_SEPARATOR.join(
                sorted(paths[c.pk] for c in product.categories.all())
            ),
            "channels": product.channels,
            "min_quantity": str(product.min_order_quantity),
            "multiple": str(product.order_multiple),
            "max_quantity": str(product.max_order_quantity or ""),
            "assortments": LIST_SEPARATOR.join(sorted(a.name for a in product.assortments.all())),
        }
        for value in product.attribute_values.all():
            kind = value.attribute.type
            if kind in SUPPORTED_TYPES:
                cells[f"{ATTR}{value.attribute.code.lower()}"] = format_attribute(value, kind)
        for record in product.stockrecords.all():
            code = partner_codes[record.partner_id]
            cells[f"{STOCK}{code}"] = str(record.num_in_stock or 0)
            cells[f"{PRICE}{code}"] = f"{record.price:.2f}" if record.price is not None else ""
        yield [cells.get(column, "") for column in columns]
