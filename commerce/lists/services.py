"""Shopping lists: create, change, fill (by hand, from an order, from a CSV
or XLSX file), export, and turn into a basket at today's prices.

A list keeps products and quantities, never prices: the basket it fills is
priced live by the engine like any other, and products the buyer may no
longer see or buy are reported, not added.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import policy
from catalog import visibility
from commerce import sites
from commerce.basket import quick_order
from commerce.core.locks import retry_on_conflict
from commerce.imports.base import XLSX_SIGNATURE
from commerce.lists import topics
from commerce.lists.exceptions import ImportRefused, ListError, NotListOwner, ProductNotAvailable
from commerce.lists.models import ShoppingList, ShoppingListLine
from commerce.outbox.services import outbox_emit

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")

MAX_QUANTITY = 100_000
MAX_IMPORT_ROWS = 1000


@dataclass
class Added:
    product: object
    quantity: int
    quote: object  # the engine's quote at the basket line's quantity


@dataclass
class Problem:
    product: object
    quantity: int
    reason: str


@dataclass
class ToBasket:
    basket: object
    added: list[Added] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _require_owner(shopping_list: ShoppingList, membership) -> None:
    """The owner changes a list; a company admin may also change a shared one."""
    if shopping_list.owner_id == membership.user_id:
        return
    if shopping_list.shared and policy.is_company_admin(membership):
        return
    raise NotListOwner("Only the list's owner (or a company admin, for a shared list) may do this.")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ListError("Give the list a name.")
    if len(name) > 120:
        raise ListError("A list name has at most 120 characters.")
    return name


def _clean_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ListError("The quantity must be a whole number.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ListError(f"The quantity must be between 1 and {MAX_QUANTITY}.")
    return quantity


def _require_visible(product, company) -> None:
    if product is None or not visibility.is_visible(product, site=sites.PORTAL, company=company):
        raise ProductNotAvailable("No such product.")


def _touch(shopping_list: ShoppingList) -> None:
    shopping_list.updated_at = timezone.now()
    shopping_list.save(update_fields=["updated_at"])


@transaction.atomic
def list_create(*, membership, name: str, shared: bool = False) -> ShoppingList:
    policy.require(membership, policy.Action.VIEW_CATALOG)
    return ShoppingList.objects.create(
        company=membership.company, owner=membership.user, name=_clean_name(name), shared=shared
    )


@transaction.atomic
def list_update(
    *,
    shopping_list: ShoppingList,
    membership,
    name: str | None = None,
    shared: bool | None = None,
    replenish_every: int | None = None,
    replenish_unit: str | None = None,
    replenish: bool | None = None,
    replenish_by: str | None = None,
) -> ShoppingList:
    """Rename, share or unshare a list, or set (``replenish``) its replenishment
    schedule and what each run does (``replenish_by``: prepare a basket, or place
    an order on account, which only a member who may order can choose)."""
    _require_owner(shopping_list, membership)
    fields = ["updated_at"]
    if replenish_by is not None:
        if replenish_by not in ShoppingList.Replenish.values:
            raise ListError("Each run prepares a basket or places an order on account.")
        if replenish_by == ShoppingList.Replenish.ORDER:
            policy.require(membership, policy.Action.PLACE_ORDER)
        shopping_list.replenish_by = replenish_by
        fields.append("replenish_by")
    if name is not None:
        shopping_list.name = _clean_name(name)
        fields.append("name")
    if shared is not None:
        shopping_list.shared = bool(shared)
        fields.append("shared")
    if replenish is False:
        shopping_list.replenish_every = None
        shopping_list.next_replenish_at = None
        fields += ["replenish_every", "next_replenish_at"]
    elif replenish_every is not None:
        if not 1 <= replenish_every <= 365:
            raise ListError("Replenish every 1 to 365 days or weeks.")
        unit = replenish_unit or ShoppingList.Every.WEEKS
        if unit not in ShoppingList.Every.values:
            raise ListError("Replenish every so many days or weeks.")
        shopping_list.replenish_every = replenish_every
        shopping_list.replenish_unit = unit
        shopping_list.next_replenish_at = timezone.now() + _interval(replenish_every, unit)
        fields += ["replenish_every", "replenish_unit", "next_replenish_at"]
    shopping_list.updated_at = timezone.now()
    shopping_list.save(update_fields=fields)
    return shopping_list


def _interval(every: int, unit: str) -> timedelta:
    return timedelta(weeks=every) if unit == ShoppingList.Every.WEEKS else timedelta(days=every)


@transaction.atomic
def list_delete(*, shopping_list: ShoppingList, membership) -> None:
    _require_owner(shopping_list, membership)
    shopping_list.delete()


@transaction.atomic
def list_line_add(
    *, shopping_list: ShoppingList, product, quantity: int, note: str = ""
) -> ShoppingListLine:
    """Add ``quantity`` of ``product`` (added to the line when it is already listed)."""
    quantity = _clean_quantity(quantity)
    _require_visible(product, shopping_list.company)
    line, created = ShoppingListLine.objects.select_for_update().get_or_create(
        shopping_list=shopping_list,
        product=product,
        defaults={"quantity": quantity, "note": (note or "")[:255]},
    )
    if not created:
        line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
        fields = ["quantity"]
        if note:
            line.note = note[:255]
            fields.append("note")
        line.save(update_fields=fields)
    _touch(shopping_list)
    return line


@transaction.atomic
def list_line_update(*, line: ShoppingListLine, quantity: int | None = None, note=None):
    fields = []
    if quantity is not None:
        line.quantity = _clean_quantity(quantity)
        fields.append("quantity")
    if note is not None:
        line.note = str(note)[:255]
        fields.append("note")
    if fields:
        line.save(update_fields=fields)
        _touch(line.shopping_list)
    return line


@transaction.atomic
def list_line_remove(*, line: ShoppingListLine) -> None:
    shopping_list = line.shopping_list
    line.delete()
    _touch(shopping_list)


@transaction.atomic
def list_from_order(*, membership, order, name: str = "") -> ShoppingList:
    """A new personal list with the lines of one of the company's orders."""
    policy.require(membership, policy.Action.VIEW_ORDERS)
    if order.company_id != membership.company_id:
        raise ListError("No such order.")
    shopping_list = list_create(
        membership=membership, name=name or f"Order {order.number}", shared=False
    )
    quantities: dict[int, int] = {}
    products = {}
    for line in order.lines.select_related("product").order_by("pk"):
        if line.product is None:
            continue
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
        products[line.product_id] = line.product
    visible = visibility.visible_ids(
        list(products.values()), site=sites.PORTAL, company=membership.company
    )
    ShoppingListLine.objects.bulk_create(
        ShoppingListLine(shopping_list=shopping_list, product_id=pk, quantity=quantity)
        for pk, quantity in quantities.items()
        if pk in visible
    )
    return shopping_list


# --- CSV ----------------------------------------------------------------------------------

EXPORT_HEADER = ["sku", "title", "quantity", "note"]


def list_export_csv(shopping_list: ShoppingList, lines) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for line in lines:
        writer.writerow(
            [
                line.product.upc or "",
                _cell(line.product.get_title()),
                line.quantity,
                _cell(line.note),
            ]
        )
    return out.getvalue()


def _cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula."""
    value = str(value or "")
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def list_import_file(*, shopping_list: ShoppingList, data: bytes) -> int:
    """Add the rows of an uploaded file to the list: an XLSX workbook (its first
    sheet, read by the quick-order reader with its zip-bomb and XML-entity
    checks) or a UTF-8 CSV file, both with the header ``sku,quantity[,note]``."""
    if data.startswith(XLSX_SIGNATURE):
        try:
            records = quick_order.xlsx_records(data, max_rows=MAX_IMPORT_ROWS)
        except quick_order.QuickOrderFileError as error:
            raise ImportRefused([str(error)]) from error
        header, body = (records[0], records[1:]) if records else ([], [])
        rows = [
            dict(zip(header, record, strict=False))
            for record in body
            if any(c.strip() for c in record)
        ]
        return _import_rows(shopping_list, rows)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        refused = "The file is neither a UTF-8 CSV file nor an XLSX workbook."
        raise ImportRefused([refused]) from error
    return list_import_csv(shopping_list=shopping_list, content=content)


def list_import_csv(*, shopping_list: ShoppingList, content: str) -> int:
    """Add the rows of a CSV file (``sku,quantity[,note]`` with a header) to the
    list; any bad row refuses the whole file. Returns the number of rows added."""
    if "\x00" in content:
        raise ImportRefused(["The file contains binary data; upload a CSV or XLSX file."])
    try:
        rows = list(csv.DictReader(io.StringIO(content)))
    except csv.Error as error:
        raise ImportRefused([f"The file is not a CSV file ({error})."]) from error
    return _import_rows(shopping_list, rows)


@transaction.atomic
def _import_rows(shopping_list: ShoppingList, rows: list[dict]) -> int:
    if not rows:
        raise ImportRefused(
            ["The file has no rows (a header 'sku,quantity,note' and one row per product)."]
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused([f"At most {MAX_IMPORT_ROWS} rows per file."])
    header = {(k or "").strip().lower() for k in rows[0]}
    if not {"sku", "quantity"} <= header:
        raise ImportRefused(["The header must name the columns 'sku' and 'quantity'."])
    parsed, problems = [], []
    for n, raw in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        sku = row.get("sku", "")
        try:
            quantity = int(Decimal(row.get("quantity", "")))
            if Decimal(row.get("quantity", "")) != quantity:
                raise ValueError
        except (ArithmeticError, ValueError):
            problems.append(f"Row {n}: the quantity must be a whole number.")
            continue
        if not 1 <= quantity <= MAX_QUANTITY:
            problems.append(f"Row {n}: the quantity must be between 1 and {MAX_QUANTITY}.")
            continue
        parsed.append((n, sku, quantity, row.get("note", "")[:255]))
    skus = {sku for _n, sku, _q, _note in parsed if sku}
    by_sku = {p.upc: p for p in Product.objects.filter(upc__in=skus)}
    visible = visibility.visible_ids(
        list(by_sku.values()), site=sites.PORTAL, company=shopping_list.company
    )
    for n, sku, _q, _note in parsed:
        product = by_sku.get(sku)
        if product is None or product.pk not in visible:
            problems.append(f"Row {n}: no product with SKU '{sku}'.")
    if problems:
        raise ImportRefused(problems)
    for _n, sku, quantity, note in parsed:
        list_line_add(
            shopping_list=shopping_list, product=by_sku[sku], quantity=quantity, note=note
        )
    return len(parsed)


# --- to the basket ------------------------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def list_to_basket(*, shopping_list: ShoppingList, basket, lines=None) -> ToBasket:
    """Add the list's lines (or ``lines`` of it) to ``basket``, priced live by
    the basket's strategy. Lines the buyer may not see or buy now (hidden, no
    price, out of stock, quantity rules) are reported and left out.

    Lock order: the basket row (step 2) and nothing else; the list is only read."""
    strategy = basket.strategy
    if basket.pk is None:
        basket.save()
    locked = Basket._default_manager.select_for_update().get(pk=basket.pk)
    locked.strategy = strategy
    if lines is None:
        lines = list(shopping_list.lines.select_related("product").order_by("pk"))
    products = [line.product for line in lines]
    if hasattr(strategy, "prefetch"):
        strategy.prefetch(products)
    result = ToBasket(basket=locked)
    in_basket = {line.product_id: line.quantity for line in locked.all_lines()}
    for line in lines:
        product = line.product
        info = strategy.fetch_for_product(product)
        if not info.price.exists or info.stockrecord is None:
            result.problems.append(Problem(product, line.quantity, "not available"))
            continue
        total = in_basket.get(product.pk, 0) + line.quantity
        permitted, reason = info.availability.is_purchase_permitted(total)
        if not permitted:
            result.problems.append(Problem(product, line.quantity, str(reason)))
            continue
        locked.add_product(product, line.quantity)
        in_basket[product.pk] = total
        result.added.append(Added(product, line.quantity, strategy.quote(product, total)))
    locked._lines = None
    basket._lines = None
    return result


# --- replenishment ------------------------------------------------------------------------


@transaction.atomic
def list_replenish(*, list_id: int, now=None) -> bool:
    """Prepare the owner's portal basket (or place an order on account) from a
    list that is due, email them and schedule the next run. Returns False when
    the list was not due (another run took it). The basket is filled, or the
    order placed, by the outbox handler (``commerce.lists.replenishment``)."""
    now = now or timezone.now()
    shopping_list = (
        ShoppingList.objects.select_for_update(skip_locked=True)
        .filter(pk=list_id, next_replenish_at__lte=now, replenish_every__isnull=False)
        .first()
    )
    if shopping_list is None:
        return False
    run_at = shopping_list.next_replenish_at
    shopping_list.next_replenish_at = run_at + _interval(
        shopping_list.replenish_every, shopping_list.replenish_unit
    )
    if shopping_list.next_replenish_at <= now:
        shopping_list.next_replenish_at = now + _interval(
            shopping_list.replenish_every, shopping_list.replenish_unit
        )
    shopping_list.save(update_fields=["next_replenish_at"])
    outbox_emit(
        topic=topics.REPLENISH,
        payload={"list": shopping_list.pk, "run": run_at.isoformat()},
        key=f"lists.replenish:{shopping_list.pk}:{run_at.isoformat()}",
    )
    return True


def lists_due(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        ShoppingList.objects.filter(
            next_replenish_at__lte=now, replenish_every__isnull=False
        ).values_list("pk", flat=True)
    )
