"""Products as CSV, in the format export writes and import reads.

Columns: ``sku`` (the UPC), ``title``, ``product_class`` (name), then optional
``description``, ``categories`` (full paths like ``Tools > Drills``, several
separated by ``|``), ``channels`` (both, storefront, portal),
``min_quantity``, ``multiple``, ``max_quantity``, ``assortments`` (names,
``|``-separated), one ``attr:<code>`` column per product attribute, and per
partner ``stock:<partner code>`` (units in stock) and ``price:<partner code>``
(net list price).

A row updates the product with that SKU or creates it. Only the columns in the
file are touched: a file with ``sku,title,product_class,stock:central`` changes
titles, classes and central stock and nothing else. An empty cell clears the
value (no categories, no assortments, no attribute value, no maximum; empty
stock *and* price remove the product from that partner). Categories, classes,
partners, attributes and assortments must exist: the import never creates
them, it reports the row.

The file is validated whole first (``commerce.imports``): every problem is
reported by line and column, and a file with any problem applies nothing.
Export (``catalog.exports``) writes this format; export → import → export gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection
from django.db.models.functions import Lower
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from catalog import search, versions, visibility
from catalog.models import Channels
from catalog.pagination import bump_catalog_version
from commerce.core.money import quantize
from commerce.core.sanitize import sanitize_html
from commerce.imports.base import FileProblem, Importer, Plan, RowsRefused, register

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOption = get_model("catalogue", "AttributeOption")
Assortment = get_model("catalogue", "Assortment")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

BASE_COLUMNS = (
    "sku",
    "title",
    "product_class",
    "description",
    "categories",
    "channels",
    "min_quantity",
    "multiple",
    "max_quantity",
    "assortments",
)
REQUIRED = ("sku", "title", "product_class")
ATTR, STOCK, PRICE = "attr:", "stock:", "price:"
LIST_SEPARATOR = "|"
PATH_SEPARATOR = " > "
CHUNK = 2000
MAX_PRICE = Decimal("9999999999.99")
MAX_UNITS = 2_147_483_647
SUPPORTED_TYPES = {"text", "richtext", "integer", "float", "boolean", "date", "option"}
TRUE, FALSE = "true", "false"


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def category_paths() -> dict[int, str]:
    """Every category's full path of names (``Tools > Drills``), by id (one query)."""
    names: dict[str, str] = {}
    paths: dict[int, str] = {}
    for pk, path, name in Category.objects.order_by("path").values_list("pk", "path", "name"):
        parent = names.get(path[: -Category.steplen])
        names[path] = f"{parent}{PATH_SEPARATOR}{name}" if parent else name
        paths[pk] = names[path]
    return paths


@dataclass(slots=True)
class Row:
    line: int
    sku: str
    product_id: int | None = None
    values: dict = field(default_factory=dict)  # model field -> value
    categories: list[int] | None = None
    assortments: list[int] | None = None
    attributes: dict = field(default_factory=dict)  # attribute id -> (kind, value) or None
    stock: dict = field(default_factory=dict)  # partner id -> (units, price) or None


@register
class ProductImporter(Importer):
    kind = "products"
    section = "catalogue_dashboard"
    required_columns = REQUIRED
    optional_columns = BASE_COLUMNS[len(REQUIRED) :]
    column_prefixes = (ATTR, STOCK, PRICE)

    def __init__(self, **params):
        super().__init__(**params)
        self.classes = {}
        for pk, name, slug in ProductClass.objects.values_list("pk", "name", "slug"):
            self.classes[name.lower()] = pk
            self.classes.setdefault(slug.lower(), pk)
        self.categories = {path.lower(): pk for pk, path in category_paths().items()}
        self.assortments = {
            name.lower(): pk for pk, name in Assortment.objects.values_list("pk", "name")
        }
        self.partners = {code.lower(): pk for pk, code in Partner.objects.values_list("pk", "code")}
        self.attributes: dict[tuple[int, str], tuple[int, str, int | None]] = {}
        for pk, class_id, code, kind, group in ProductAttribute.objects.values_list(
            "pk", "product_class_id", "code", "type", "option_group_id"
        ):
            self.attributes[(class_id, code.lower())] = (pk, kind, group)
        self.options: dict[tuple[int, str], int] = {
            (group, option.lower()): pk
            for pk, group, option in AttributeOption.objects.values_list("pk", "group_id", "option")
        }

    # --- header ----------------------------------------------------------------------------

    def check_header(self, header: list[str]) -> None:
        codes = {code for _class, code in self.attributes}
        problems = []
        for column in header:
            if column.startswith(ATTR) and column[len(ATTR) :] not in codes:
                problems.append(f"'{column}' (no product attribute has that code)")
            for prefix in (STOCK, PRICE):
                if column.startswith(prefix) and column[len(prefix) :] not in self.partners:
                    problems.append(f"'{column}' (no partner has that code)")
        for code in self.partners:
            if (f"{STOCK}{code}" in header) != (f"{PRICE}{code}" in header):
                problems.append(f"'{STOCK}{code}' and '{PRICE}{code}' go together")
        if problems:
            raise FileProblem("Unknown column(s): " + "; ".join(problems))

    # --- validation ------------------------------------------------------------------------

    def validate(self, data: bytes, progress) -> Plan:
        plan = Plan()
        seen: dict[str, int] = {}
        rows: list[Row] = []
        for line, cells in self.read_rows(data):
            plan.total_rows += 1
            progress(1)
            if "__extra__" in cells:
                plan.error(line, "", "More values than columns.")
                continue
            key = cells["sku"].lower()
            if key and key in seen:
                plan.error(line, "sku", f"SKU '{cells['sku']}' is also on line {seen[key]}.")
                continue
            seen[key] = line
            row = self._parse(line, cells, plan)
            if row is not None:
                rows.append(row)
        if plan.total_rows == 0:
            plan.error(0, "", "The file has no product rows.")
        self._match_products(rows, plan)
        self._check_allocated(rows, plan)
        plan.errors.sort(key=lambda e: e.line)
        plan.rows = rows if plan.ok else []
        existing = sum(1 for r in rows if r.product_id)
        plan.summary = {
            "products_in_file": len(rows),
            "products_updated": existing,
            "products_created": len(rows) - existing,
            "columns": ", ".join(self.header),
        }
        return plan

    def _parse(self, line: int, cells: dict, plan: Plan) -> Row | None:
        errors_before = len(plan.errors)
        sku = cells["sku"]
        if not sku:
            plan.error(line, "sku", "SKU is empty.")
        elif len(sku) > 64:
            plan.error(line, "sku", "SKU is longer than 64 characters.")
        row = Row(line, sku)
        title = cells["title"]
        if not title:
            plan.error(line, "title", "Title is empty.")
        elif len(title) > 255:
            plan.error(line, "title", "Title is longer than 255 characters.")
        row.values["title"] = title
        class_id = self.classes.get(cells["product_class"].lower())
        if class_id is None:
            plan.error(line, "product_class", f"No product class '{cells['product_class']}'.")
        row.values["product_class_id"] = class_id
        if "description" in cells:
            row.values["description"] = sanitize_html(cells["description"])
        if "channels" in cells:
            channel = cells["channels"].lower() or Channels.BOTH
            if channel not in Channels.values:
                plan.error(line, "channels", "Channels must be both, storefront or portal.")
            row.values["channels"] = channel
        self._quantities(line, cells, row, plan)
        if "categories" in cells:
            row.categories = []
            for path in split_list(cells["categories"]):
                pk = self.categories.get(" > ".join(p.strip() for p in path.split(">")).lower())
                if pk is None:
                    plan.error(line, "categories", f"No category '{path}'.")
                else:
                    row.categories.append(pk)
        if "assortments" in cells:
            row.assortments = []
            for name in split_list(cells["assortments"]):
                pk = self.assortments.get(name.lower())
                if pk is None:
                    plan.error(line, "assortments", f"No assortment '{name}'.")
                else:
                    row.assortments.append(pk)
        for column, value in cells.items():
            if column.startswith(ATTR) and class_id is not None:
                self._attribute(line, column, value, class_id, row, plan)
        for code, partner_id in self.partners.items():
            if f"{STOCK}{code}" in cells:
                self._stock(line, code, partner_id, cells, row, plan)
        return row if len(plan.errors) == errors_before else None

    def _quantities(self, line, cells, row, plan) -> None:
        for column, name, default in (
            ("min_quantity", "min_order_quantity", 1),
            ("multiple", "order_multiple", 1),
        ):
            if column in cells:
                value = _whole(cells[column], default)
                if value is None or value < 1:
                    plan.error(line, column, "Must be a whole number of 1 or more.")
                row.values[name] = value
        if "max_quantity" in cells:
            value = _whole(cells["max_quantity"], None) if cells["max_quantity"] else None
            if cells["max_quantity"] and (value is None or value < 1):
                plan.error(line, "max_quantity", "Must be empty or a whole number of 1 or more.")
            minimum = row.values.get("min_order_quantity")
            if value is not None and isinstance(minimum, int) and value < minimum:
                plan.error(line, "max_quantity", "The maximum is below the minimum quantity.")
            row.values["max_order_quantity"] = value

    def _attribute(self, line, column, value, class_id, row, plan) -> None:
        code = column[len(ATTR) :]
        attribute = self.attributes.get((class_id, code))
        if attribute is None:
            if value:
                plan.error(line, column, "This product class has no such attribute.")
            return
        pk, kind, group = attribute
        if not value:
            row.attributes[pk] = None
            return
        if kind not in SUPPORTED_TYPES:
            plan.error(line, column, f"Attributes of type {kind} cannot be imported.")
            return
        try:
            parsed = _attribute_value(kind, value, group, self.options)
        except ValueError as error:
            plan.error(line, column, str(error))
            return
        row.attributes[pk] = (kind, parsed)

    def _stock(self, line, code, partner_id, cells, row, plan) -> None:
        units_text, price_text = cells[f"{STOCK}{code}"], cells[f"{PRICE}{code}"]
        if not units_text and not price_text:
            row.stock[partner_id] = None
            return
        units = _whole(units_text, None)
        if units is None or not 0 <= units <= MAX_UNITS:
            plan.error(line, f"{STOCK}{code}", "Stock must be a whole number of 0 or more.")
            return
        try:
            price = Decimal(price_text)
            if not price.is_finite() or price < 0 or price > MAX_PRICE:
                raise InvalidOperation
        except InvalidOperation:
            plan.error(line, f"{PRICE}{code}", "Price must be a number of 0 or more, like 12.50.")
            return
        if price != quantize(price):
            plan.error(line, f"{PRICE}{code}", f"{price_text} has too many decimals.")
            return
        row.stock[partner_id] = (units, price)

    def _match_products(self, rows: list[Row], plan: Plan) -> None:
        """Existing products by SKU, case-insensitively, a chunk of SKUs per query."""
        by_sku = {row.sku.lower(): row for row in rows}
        skus = sorted(by_sku)
        for start in range(0, len(skus), CHUNK):
            chunk = skus[start : start + CHUNK]
            found = (
                Product.objects.annotate(sku=Lower("upc"))
                .filter(sku__in=chunk)
                .values_list("sku", "pk", "parent_id")
            )
            for sku, pk, parent_id in found:
                row = by_sku[sku]
                if parent_id is not None:
                    plan.error(row.line, "sku", "This SKU is a variant; variants are not imported.")
                row.product_id = pk

    def _check_allocated(self, rows: list[Row], plan: Plan, records=None) -> None:
        """Stock may not go below what open orders hold (their allocation), nor
        may a warehouse holding units for orders be removed."""
        rows = [row for row in rows if row.product_id and row.stock]
        if not rows:
            return
        if records is None:
            records = {
                (record.product_id, record.partner_id): record
                for record in StockRecord.objects.filter(
                    product_id__in=[row.product_id for row in rows],
                    partner_id__in={pk for row in rows for pk in row.stock},
                    num_allocated__gt=0,
                )
            }
        codes = {pk: code for code, pk in self.partners.items()}
        for row in rows:
            for partner_id, entry in row.stock.items():
                record = records.get((row.product_id, partner_id))
                held = (record.num_allocated or 0) if record is not None else 0
                if not held:
                    continue
                column = f"{STOCK}{codes[partner_id]}"
                if entry is None:
                    plan.error(
                        row.line,
                        column,
                        f"{held} units are allocated to open orders here; "
                        "this stock cannot be removed.",
                    )
                elif entry[0] < held:
                    plan.error(
                        row.line,
                        column,
                        f"Stock {entry[0]} is below the {held} units allocated to open orders.",
                    )

    # --- apply -----------------------------------------------------------------------------
    #
    # Each batch is compared with what is stored and only the differences are written:
    # re-applying an unchanged file writes nothing but reads a few queries per batch.
    # Links and attribute values are deleted without per-row signals (``_delete``); what
    # their receivers would do is done here once per batch: the search documents of the
    # batch's changed products are rebuilt together and the cached pages' versions are
    # bumped at the end.

    def apply(self, plan: Plan, *, actor, progress) -> dict:
        rows: list[Row] = plan.rows
        header = set(plan.summary["columns"].split(", "))
        fields = sorted({name for row in rows for name in row.values})
        created = updated = 0
        for start in range(0, len(rows), CHUNK):
            batch = rows[start : start + CHUNK]
            # Signals of the writes that still go through models (a stock record removed)
            # only mark products here; the batch is rebuilt once when the block ends.
            with search.deferred() as changed:
                new = [row for row in batch if row.product_id is None]
                old = [row for row in batch if row.product_id is not None]
                if old:
                    changed.update(self._update_products(old, fields))
                    updated += len(old)
                if new:
                    self._create(new)
                    created += len(new)
                    changed.update(row.product_id for row in new)
                if "categories" in header:
                    changed.update(self._write_categories(batch))
                if "assortments" in header:
                    self._write_assortments(batch)
                changed.update(self._write_attributes(batch))
                changed.update(self._write_stock(batch))
            progress(len(batch))
        bump_catalog_version()
        visibility.bump_version()
        for kind in ("product", "stock"):
            versions.bump_catalog_version(kind)
        return {"products_created": created, "products_updated": updated}

    def _update_products(self, rows: list[Row], fields: list[str]) -> set[int]:
        """Write the products whose values differ from the file; return those whose
        search document may change."""
        if not fields:
            return set()
        stored = {
            values["pk"]: values
            for values in Product.objects.filter(pk__in=[row.product_id for row in rows]).values(
                "pk", *fields
            )
        }
        differ, searched = [], set()
        for row in rows:
            current = stored.get(row.product_id, {})
            diff = {name for name, value in row.values.items() if current.get(name) != value}
            if diff:
                differ.append(Product(pk=row.product_id, **row.values))
                if diff & search.SEARCHED_FIELDS:
                    searched.add(row.product_id)
        Product.objects.bulk_update(differ, fields)
        return searched

    def _write_categories(self, batch: list[Row]) -> set[int]:
        """Make each product's categories those of the file; return the products changed."""
        ids = [row.product_id for row in batch]
        stored = defaultdict(dict)
        for pk, product_id, category_id in ProductCategory.objects.filter(
            product_id__in=ids
        ).values_list("pk", "product_id", "category_id"):
            stored[product_id][category_id] = pk
        gone, new, changed = [], [], set()
        for row in batch:
            wanted = dict.fromkeys(row.categories)
            have = stored.get(row.product_id, {})
            removed = [pk for category_id, pk in have.items() if category_id not in wanted]
            added = [pk for pk in wanted if pk not in have]
            if removed or added:
                changed.add(row.product_id)
            gone.extend(removed)
            new.extend(ProductCategory(product_id=row.product_id, category_id=pk) for pk in added)
        _delete(ProductCategory, gone)
        links = [{"product_id": link.product_id, "category_id": link.category_id} for link in new]
        if _insert(ProductCategory, links) is None:
            ProductCategory.objects.bulk_create(new)
        return changed

    def _write_assortments(self, batch: list[Row]) -> None:
        through = Assortment.products.through
        stored = defaultdict(dict)
        for pk, product_id, assortment_id in through.objects.filter(
            product_id__in=[row.product_id for row in batch]
        ).values_list("pk", "product_id", "assortment_id"):
            stored[product_id][assortment_id] = pk
        gone, new = [], []
        for row in batch:
            wanted = dict.fromkeys(row.assortments)
            have = stored.get(row.product_id, {})
            gone.extend(pk for assortment_id, pk in have.items() if assortment_id not in wanted)
            new.extend(
                through(product_id=row.product_id, assortment_id=pk)
                for pk in wanted
                if pk not in have
            )
        _delete(through, gone)
        through.objects.bulk_create(new)

    def _create(self, rows: list[Row]) -> None:
        values = [
            {
                "upc": row.sku,
                "slug": slugify(row.values["title"])[:128] or "product",
                "structure": Product.STANDALONE,
                "is_public": True,
                **row.values,
            }
            for row in rows
        ]
        ids = _insert(Product, values, returning=("upc", "id"))
        if ids is None:
            products = Product.objects.bulk_create(Product(**row) for row in values)
            if products[0].pk is None:  # backends without RETURNING
                ids = Product.objects.filter(upc__in=[r.sku for r in rows]).values_list("upc", "pk")
            else:
                ids = [(product.upc, product.pk) for product in products]
        ids = dict(ids)
        for row in rows:
            row.product_id = ids[row.sku]

    def _write_attributes(self, batch: list[Row]) -> set[int]:
        """Write the attribute values that differ from the file (a changed value is
        replaced); return the products changed."""
        touched = {pk for row in batch for pk in row.attributes}
        if not touched:
            return set()
        stored, stored_attribute = {}, {}
        for pk, product_id, attribute_id, *values in ProductAttributeValue.objects.filter(
            product_id__in=[row.product_id for row in batch], attribute_id__in=touched
        ).values_list("pk", "product_id", "attribute_id", *VALUE_COLUMNS):
            stored[(product_id, attribute_id)] = (pk, dict(zip(VALUE_COLUMNS, values, strict=True)))
            stored_attribute[pk] = attribute_id
        gone, values, changed = [], [], set()
        for row in batch:
            for attribute_id, entry in row.attributes.items():
                current = stored.get((row.product_id, attribute_id))
                if entry is None:
                    if current is not None:
                        gone.append(current[0])
                        changed.add(row.product_id)
                    continue
                kind, value = entry
                column = "value_option_id" if kind == "option" else f"value_{kind}"
                if current is not None:
                    if current[1][column] == value:
                        continue
                    gone.append(current[0])
                changed.add(row.product_id)
                values.append(
                    ProductAttributeValue(
                        product_id=row.product_id, attribute_id=attribute_id, **{column: value}
                    )
                )
        # A value of another type (multi-option: its options refer to it) goes through the ORM.
        kinds = {pk: kind for pk, kind, _group in self.attributes.values()}
        plain = [pk for pk in gone if kinds.get(stored_attribute[pk]) in SUPPORTED_TYPES]
        _delete(ProductAttributeValue, plain)
        ProductAttributeValue.objects.filter(pk__in=set(gone) - set(plain)).delete()
        ProductAttributeValue.objects.bulk_create(values)
        return changed

    def _write_stock(self, batch: list[Row]) -> set[int]:
        """Write the stock records that differ from the file; return the products that
        gained or lost one (their partner SKUs are searched)."""
        partners = {pk for row in batch for pk in row.stock}
        if not partners:
            return set()
        # Locked (stock records, pk order: ``commerce.core.locks``) so no order
        # allocates between the check and the write.
        existing = {
            (record.product_id, record.partner_id): record
            for record in StockRecord.objects.select_for_update()
            .filter(product_id__in=[row.product_id for row in batch], partner_id__in=partners)
            .order_by("pk")
        }
        refused = Plan()
        self._check_allocated(batch, refused, records=existing)
        if not refused.ok:
            raise RowsRefused(refused.errors)
        codes = {pk: code for code, pk in self.partners.items()}
        changed, new, gone = [], [], []
        for row in batch:
            for partner_id, entry in row.stock.items():
                record = existing.get((row.product_id, partner_id))
                if entry is None:
                    if record is not None:
                        gone.append(record.pk)
                    continue
                units, price = entry
                if record is None:
                    new.append(
                        StockRecord(
                            product_id=row.product_id,
                            partner_id=partner_id,
                            partner_sku=f"{codes[partner_id].upper()}-{row.sku}"[:128],
                            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                            price=price,
                            num_in_stock=units,
                        )
                    )
                elif (record.num_in_stock, record.price) != (units, price):
                    record.num_in_stock, record.price = units, price
                    changed.append(record)
        # Removed through the ORM: order and basket lines refer to stock records.
        StockRecord.objects.filter(pk__in=gone).delete()
        StockRecord.objects.bulk_update(changed, ["num_in_stock", "price"])
        StockRecord.objects.bulk_create(new)
        return {record.product_id for record in new} | {
            record.product_id for record in existing.values() if record.pk in gone
        }


VALUE_COLUMNS = (
    "value_text",
    "value_richtext",
    "value_integer",
    "value_float",
    "value_boolean",
    "value_date",
    "value_option_id",
)


def _insert(model, rows: list[dict], *, returning: tuple[str, ...] = ()) -> list | None:
    """Insert ``rows`` (field attname -> value, the same fields in each) in one statement
    on PostgreSQL, the columns passed as arrays (``unnest``); the other fields take the
    value Django would give a new instance (defaults, ``auto_now`` timestamps). Returns the
    ``returning`` columns of the new rows, or None where this does not apply (another
    database, a default computed per row): then the caller uses ``bulk_create``."""
    if connection.vendor != "postgresql":
        return None
    if not rows:
        return []
    given = list(rows[0])
    template = model()
    columns, selects, constants, arrays = [], [], [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        db_type = model_field.db_type(connection)
        columns.append(connection.ops.quote_name(model_field.column))
        if model_field.attname in given:
            selects.append(f"v.c{len(arrays)}")
            arrays.append((db_type, [row[model_field.attname] for row in rows]))
            continue
        if model_field.has_default() and callable(model_field.default):
            return None
        value = model_field.pre_save(template, add=True)
        selects.append(f"%s::{db_type}")
        constants.append(model_field.get_db_prep_save(value, connection))
    unnest = ", ".join(f"%s::{db_type}[]" for db_type, _values in arrays)
    names = ", ".join(f"c{n}" for n in range(len(arrays)))
    table = connection.ops.quote_name(model._meta.db_table)
    # Names from the model's metadata; every value is a parameter.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selects)} FROM "  # noqa: S608
    sql += f"unnest({unnest}) AS v({names})"
    if returning:
        sql += " RETURNING " + ", ".join(connection.ops.quote_name(name) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *(values for _db_type, values in arrays)])
        return cursor.fetchall() if returning else []


def _delete(model, pks: list[int]) -> int:
    """Delete these rows in one statement, without fetching them or sending per-row
    signals: for links and attribute values (nothing refers to them) whose receivers'
    work -- search documents, cached page versions -- the import does per batch."""
    if not pks:
        return 0
    queryset = model.objects.filter(pk__in=pks)
    return queryset._raw_delete(queryset.db)


def _whole(text: str, default):
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        return None


def _attribute_value(kind: str, text: str, group, options) -> object:
    if kind == "text":
        return text
    if kind == "richtext":
        return sanitize_html(text)
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a whole number.") from None
    if kind == "float":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number.") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"'{text}' is not a number.")
        return value
    if kind == "boolean":
        if text.lower() not in (TRUE, FALSE):
            raise ValueError("Use true or false.")
        return text.lower() == TRUE
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date (use 2026-01-31).") from None
    option = options.get((group, text.lower()))
    if option is None:
        raise ValueError(f"'{text}' is not one of this attribute's options.")
    return option
