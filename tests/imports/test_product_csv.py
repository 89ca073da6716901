"""Products as CSV: dry run with row errors, all-or-nothing apply, malformed files,
100k rows, the status page, and export -> import round trips."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from oscar.core.loading import get_model

from catalog.exports import export_rows
from commerce.imports.models import ImportJob
from tests import factories

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
AttributeOption = get_model("catalogue", "AttributeOption")
ProductCategory = get_model("catalogue", "ProductCategory")
Assortment = get_model("catalogue", "Assortment")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory(is_superuser=True))
    return storefront_client


@pytest.fixture
def catalog():
    """Classes, categories, attributes of each supported type, two partners, an assortment."""
    tools = factories.ProductClassFactory(name="Tools", slug="tools")
    factories.ProductClassFactory(name="Standard", slug="standard")
    group = AttributeOptionGroup.objects.create(name="Colours")
    for colour in ("Red", "Blue"):
        AttributeOption.objects.create(group=group, option=colour)
    for code, kind in [
        ("weight", "float"),
        ("voltage", "integer"),
        ("cordless", "boolean"),
        ("launched", "date"),
        ("material", "text"),
        ("colour", "option"),
    ]:
        ProductAttribute.objects.create(
            product_class=tools,
            name=code.title(),
            code=code,
            type=kind,
            option_group=group if kind == "option" else None,
        )
    root = factories.make_category("Tools")
    drills = factories.make_category("Drills", parent=root)
    saws = factories.make_category("Saws", parent=root)
    central = factories.PartnerFactory(code="central", name="Central")
    north = factories.PartnerFactory(code="north", name="North")
    specials = Assortment.objects.create(name="Acme specials")
    return {
        "tools": tools,
        "drills": drills,
        "saws": saws,
        "central": central,
        "north": north,
        "specials": specials,
    }


HEADER = (
    "sku,title,product_class,description,categories,channels,min_quantity,multiple,"
    "max_quantity,assortments,attr:weight,attr:voltage,attr:cordless,attr:launched,"
    "attr:material,attr:colour,stock:central,price:central,stock:north,price:north"
)


def good_file() -> bytes:
    return (
        HEADER + "\n"
        'D-1,Cordless drill,Tools,"A drill, with a battery",Tools > Drills,both,1,1,,'
        "Acme specials,1.25,18,true,2026-01-31,steel,Red,10,99.50,5,98.00\n"
        "D-2,Hand saw,Tools,,Tools > Saws|Tools > Drills,portal,10,5,100,,,,,,,,3,12.00,,\n"
    ).encode()


def upload(client, committed, content: bytes, name="products.csv"):
    with committed():
        response = client.post(
            "/dashboard/catalogue/products/import/",
            {"file": SimpleUploadedFile(name, content, "text/csv")},
        )
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.latest("pk")


def apply(client, committed, job):
    with committed():
        client.post(f"/dashboard/imports/{job.pk}/apply/")
    job.refresh_from_db()
    return job


def export() -> str:
    return "".join(export_rows())


def test_dry_run_then_apply_creates_products_with_everything(staff_client, committed, catalog):
    job = upload(staff_client, committed, good_file())

    assert job.status == "ready", job.errors
    assert not Product.objects.exists()  # a dry run changes nothing
    page = staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()
    assert "All 2 rows are valid" in page

    job = apply(staff_client, committed, job)

    assert job.status == "done"
    assert job.summary["products_created"] == 2
    drill = Product.objects.get(upc="D-1")
    saw = Product.objects.get(upc="D-2")
    assert (drill.title, drill.description, drill.product_class, drill.channels) == (
        "Cordless drill",
        "A drill, with a battery",
        catalog["tools"],
        "both",
    )
    assert (saw.channels, saw.min_order_quantity, saw.order_multiple) == ("portal", 10, 5)
    assert saw.max_order_quantity == 100
    assert set(saw.categories.all()) == {catalog["drills"], catalog["saws"]}
    assert list(drill.assortments.all()) == [catalog["specials"]]
    values = {
        v.attribute.code: v.value for v in ProductAttributeValue.objects.filter(product=drill)
    }
    assert values == {
        "weight": 1.25,
        "voltage": 18,
        "cordless": True,
        "launched": date(2026, 1, 31),
        "material": "steel",
        "colour": AttributeOption.objects.get(option="Red"),
    }
    stock = {
        (r.product.upc, r.partner.code): (r.num_in_stock, r.price)
        for r in StockRecord.objects.select_related("product", "partner")
    }
    assert stock == {
        ("D-1", "central"): (10, Decimal("99.50")),
        ("D-1", "north"): (5, Decimal("98.00")),
        ("D-2", "central"): (3, Decimal("12.00")),
    }


def test_row_errors_name_line_and_column_and_nothing_applies(staff_client, committed, catalog):
    existing = factories.ProductFactory(upc="OLD-1", title="Old title", stock=False)
    content = (
        HEADER + "\n"
        "OLD-1,New title,Tools,,,,,,,,,,,,,,,,,\n"  # fine on its own
        "X-2,,Tools,,,,,,,,,,,,,,,,,\n"
        "X-3,T,Gadgets,,,,,,,,,,,,,,,,,\n"
        "X-4,T,Tools,,Tools > Hammers,,,,,,,,,,,,,,,\n"
        "X-5,T,Tools,,,everywhere,0,x,,Nope,,,,,,,,,,\n"
        "X-6,T,Tools,,,,10,,5,,heavy,1.5,maybe,31/01/2026,,Green,-1,1,2,1.234\n"
        "X-7,T,Tools,,,,,,,,,,,,,,5,,,\n"
        "OLD-1,Again,Tools,,,,,,,,,,,,,,,,,\n"
    ).encode()

    job = upload(staff_client, committed, content)

    assert job.status == "invalid"
    errors = {(e["line"], e["column"]) for e in job.errors}
    assert errors == {
        (3, "title"),
        (4, "product_class"),
        (5, "categories"),
        (6, "channels"),
        (6, "min_quantity"),
        (6, "multiple"),
        (6, "assortments"),
        (7, "max_quantity"),
        (7, "attr:weight"),
        (7, "attr:voltage"),
        (7, "attr:cordless"),
        (7, "attr:launched"),
        (7, "attr:colour"),
        (7, "stock:central"),
        (7, "price:north"),
        (8, "price:central"),
        (9, "sku"),
    }
    messages = {(e["line"], e["column"]): e["message"] for e in job.errors}
    assert messages[(4, "product_class")] == "No product class 'Gadgets'."
    assert messages[(5, "categories")] == "No category 'Tools > Hammers'."
    assert messages[(9, "sku")] == "SKU 'OLD-1' is also on line 2."
    # An apply request for an invalid job changes nothing either.
    apply(staff_client, committed, job)
    existing.refresh_from_db()
    assert existing.title == "Old title"
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "sku,title,product_class\nD-1,Bohrmaschine für Holz,Tools\n".encode("latin-1"),
            "not UTF-8",
        ),
        (b"sku,title\nD-1,Drill\n", "Missing column(s): product_class"),
        (b"sku,title,product_class,colour\nD-1,Drill,Tools,red\n", "Unknown column(s): colour"),
        (b"sku,title,product_class,attr:nope\nD-1,Drill,Tools,1\n", "'attr:nope'"),
        (b"sku,title,product_class,stock:mars,price:mars\nD-1,D,Tools,1,1\n", "'stock:mars'"),
        (b"sku,title,product_class,stock:central\nD-1,D,Tools,1\n", "go together"),
        (b"\xef\xbb\xbf", "empty"),
        (b"sku,title,product_class\n", "no product rows"),
        (b"sku,title,product_class\nD-1,\x00,Tools\n", "binary"),
    ],
)
def test_malformed_files_get_a_clear_report_and_apply_nothing(
    staff_client, committed, catalog, content, message
):
    job = upload(staff_client, committed, content)

    assert job.status == "invalid"
    assert message in job.errors[0]["message"]
    assert not Product.objects.exists()
    page = staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()
    assert "nothing was changed" in page


def test_a_100k_row_file_with_one_bad_row_near_the_end_applies_nothing(
    staff_client, committed, catalog
):
    rows = [
        f"B-{n:06d},Bolt {n},Tools,Tools > Drills,{n % 50},1.{n % 100:02d}" for n in range(100_000)
    ]
    rows[99_990] = "B-099990,Bolt,Tools,Tools > Drills,many,1.00"
    content = (
        "sku,title,product_class,categories,stock:central,price:central\n" + "\n".join(rows)
    ).encode()

    job = upload(staff_client, committed, content)

    assert (job.status, job.total_rows, job.error_count) == ("invalid", 100_000, 1)
    assert job.errors == [
        {
            "line": 99_992,
            "column": "stock:central",
            "message": "Stock must be a whole number of 0 or more.",
        }
    ]
    assert not Product.objects.exists()


def test_a_big_valid_file_applies_in_one_go(staff_client, committed, catalog):
    rows = [
        f"B-{n:05d},Bolt {n},Tools,Tools > Drills,{n % 50},1.{n % 100:02d}" for n in range(5_000)
    ]
    content = (
        "sku,title,product_class,categories,stock:central,price:central\n" + "\n".join(rows)
    ).encode()

    job = apply(staff_client, committed, upload(staff_client, committed, content))

    assert (job.status, job.summary["products_created"]) == ("done", 5_000)
    assert ProductCategory.objects.filter(category=catalog["drills"]).count() == 5_000
    assert StockRecord.objects.get(product__upc="B-00042").price == Decimal("1.42")


def test_the_status_page_and_progress_of_a_running_job(staff_client, catalog):
    job = ImportJob.objects.create(
        kind="products",
        file=SimpleUploadedFile("p.csv", good_file()),
        filename="p.csv",
        total_rows=2000,
    )
    from django.core.cache import cache

    from commerce.imports.services import progress_key

    cache.set(progress_key(job.pk), 500)

    page = staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()
    progress = staff_client.get(f"/dashboard/imports/{job.pk}/progress/").json()

    assert 'id="job_progress"' in page and "500 / 2000" in page
    assert progress == {
        "status": "validating",
        "status_display": "Validating",
        "processed": 500,
        "total": 2000,
        "running": True,
        "errors": 0,
    }


def test_validation_and_apply_run_as_celery_tasks(
    staff_client, django_capture_on_commit_callbacks, catalog, monkeypatch
):
    from commerce.imports import tasks

    queued = []
    monkeypatch.setattr(tasks.validate_import, "delay", lambda pk: queued.append(("validate", pk)))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/dashboard/catalogue/products/import/",
            {"file": SimpleUploadedFile("p.csv", good_file(), "text/csv")},
        )
    job = ImportJob.objects.get()

    assert queued == [("validate", job.pk)]
    assert job.status == "validating"  # the page shows progress until the worker is done
    tasks.validate_import(job.pk)
    job.refresh_from_db()
    assert job.status == "ready"


def test_export_import_export_is_byte_identical(staff_client, committed, catalog):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    first = export()

    job = apply(staff_client, committed, upload(staff_client, committed, first.encode()))
    second = export()

    assert job.status == "done" and job.summary["products_updated"] == 2
    assert second == first
    assert sorted(first.splitlines()[0].split(",")) == sorted(HEADER.split(","))


def test_export_imports_into_an_empty_catalog_and_exports_the_same(
    staff_client, committed, catalog
):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    first = export()
    StockRecord.objects.all().delete()
    Product.objects.all().delete()

    job = apply(staff_client, committed, upload(staff_client, committed, first.encode()))

    assert job.summary["products_created"] == 2
    assert export() == first


def test_importing_an_edited_export_applies_exactly_the_edits(staff_client, committed, catalog):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    other = factories.ProductFactory(upc="Z-9", title="Untouched", stock=False)
    lines = export().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    before = dict((line.split(",")[0], line) for line in lines[1:])

    drill = (
        before["D-1"]
        .replace("Cordless drill", "Cordless drill XL")
        .replace(",10,99.50,", ",7,89.90,")
    )
    saw = (
        before["D-2"]
        .replace("Tools > Saws|Tools > Drills", "Tools > Saws")
        .replace(",portal,", ",both,")
    )
    edited = lines[0] + drill + saw + before["Z-9"]
    job = apply(staff_client, committed, upload(staff_client, committed, edited.encode()))

    assert job.status == "done"
    after = export()
    assert after == edited
    other.refresh_from_db()
    assert other.title == "Untouched"
    assert header[:3] == ["sku", "title", "product_class"]


def test_a_partial_file_touches_only_its_columns(staff_client, committed, catalog):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))

    job = apply(
        staff_client,
        committed,
        upload(
            staff_client,
            committed,
            b"sku,title,product_class,stock:central,price:central\nD-1,Drill,Tools,0,99.50\n",
        ),
    )

    drill = Product.objects.get(upc="D-1")
    assert job.status == "done"
    assert (drill.title, drill.channels, drill.categories.count()) == ("Drill", "both", 1)
    assert drill.stockrecords.get(partner__code="central").num_in_stock == 0
    assert drill.stockrecords.get(partner__code="north").num_in_stock == 5
    assert drill.assortments.count() == 1


def test_the_export_button_and_command_write_the_same_file(
    staff_client, committed, catalog, tmp_path
):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    target = tmp_path / "products.csv"

    response = staff_client.get("/dashboard/catalogue/products/export/")
    call_command("export_products", output=str(target))

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body == target.read_text(encoding="utf-8") == export()
    assert "Export CSV" in staff_client.get("/dashboard/catalogue/").content.decode()


def test_an_empty_upload_is_refused_by_the_form(staff_client, catalog):
    response = staff_client.post(
        "/dashboard/catalogue/products/import/",
        {"file": SimpleUploadedFile("p.csv", b"", "text/csv")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_customers_cannot_import_or_export(storefront_client):
    storefront_client.force_login(factories.UserFactory())

    for url in ("/dashboard/catalogue/products/import/", "/dashboard/catalogue/products/export/"):
        assert storefront_client.get(url).status_code in (302, 403)


# --- XLSX -------------------------------------------------------------------------------------


def test_an_xlsx_export_imports_back_to_the_same_catalog(staff_client, committed, catalog):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    csv_before = export()

    response = staff_client.get("/dashboard/catalogue/products/export/", {"format": "xlsx"})
    workbook = response.content
    job = apply(staff_client, committed, upload(staff_client, committed, workbook, "p.xlsx"))

    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert workbook.startswith(b"PK")
    assert (job.status, job.summary["products_updated"]) == ("done", 2)
    assert export() == csv_before


def test_an_xlsx_typed_by_hand_reads_numbers_and_dates_as_written(staff_client, committed, catalog):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["sku", "title", "product_class", "attr:launched", "stock:central", "price:central"]
    )
    sheet.append([12345, "Drill", "Tools", datetime(2026, 1, 31), 7, 19.5])
    sheet.append([None, None, None, None, None, None])  # blank rows are skipped
    buffer = io.BytesIO()
    book.save(buffer)

    job = apply(
        staff_client, committed, upload(staff_client, committed, buffer.getvalue(), "p.xlsx")
    )

    assert job.status == "done", job.errors
    drill = Product.objects.get(upc="12345")
    assert drill.attribute_values.get().value_date == date(2026, 1, 31)
    assert (drill.stockrecords.get().num_in_stock, drill.stockrecords.get().price) == (
        7,
        Decimal("19.50"),
    )


def test_a_broken_workbook_is_reported_and_applies_nothing(staff_client, committed, catalog):
    job = upload(staff_client, committed, b"PK\x03\x04 not really a workbook", "p.xlsx")

    assert job.status == "invalid"
    assert job.errors[0]["message"] == "The file is not a readable XLSX workbook."
    assert not Product.objects.exists()


def test_the_command_writes_xlsx_by_extension(catalog, staff_client, committed, tmp_path):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    target = tmp_path / "products.xlsx"

    call_command("export_products", output=str(target))

    from openpyxl import load_workbook

    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["sku", "D-1", "D-2"]


def test_stock_below_what_open_orders_hold_is_refused_with_line_and_column(
    staff_client, committed, catalog
):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    StockRecord.objects.filter(product__upc="D-1", partner__code="central").update(num_allocated=5)
    partial = b"sku,title,product_class,stock:central,price:central\n"

    job = upload(staff_client, committed, partial + b"D-1,Drill,Tools,2,99.50\n")

    assert job.status == "invalid"
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "stock:central")]
    assert "below the 5 units allocated" in job.errors[0]["message"]
    assert upload(staff_client, committed, partial + b"D-1,Drill,Tools,5,99.50\n").status == "ready"


def test_stock_lowered_below_allocations_between_dry_run_and_apply_applies_nothing(
    staff_client, committed, catalog
):
    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    job = upload(
        staff_client,
        committed,
        b"sku,title,product_class,stock:central,price:central\nD-1,Renamed,Tools,2,99.50\n",
    )
    assert job.status == "ready"
    StockRecord.objects.filter(product__upc="D-1", partner__code="central").update(
        num_allocated=3
    )  # orders placed meanwhile

    job = apply(staff_client, committed, job)

    assert job.status == "invalid"
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "stock:central")]
    drill = Product.objects.get(upc="D-1")
    assert drill.title == "Cordless drill"
    assert drill.stockrecords.get(partner__code="central").num_in_stock == 10


def test_imported_products_are_found_by_search_at_once(staff_client, committed, catalog):
    from catalog import search

    job = apply(staff_client, committed, upload(staff_client, committed, good_file()))
    assert job.status == "done"

    def found(query):  # the search document alone (D-1 is in an assortment nobody is granted)
        return [p.upc for p in search.matching(Product.objects.order_by("upc"), query)]

    assert found("drlil") == ["D-1", "D-2"]  # a typo: D-1's title, D-2's category
    assert found("steel") == ["D-1"]  # an attribute value
    assert found("CENTRAL-D") == ["D-1", "D-2"]  # a partner SKU prefix
    assert found("north-d") == ["D-1"]
    text = Product.objects.get(upc="D-2").search_text
    assert "saws" in text and "drills" in text  # its categories, with their parent


WRITES = ("INSERT", "UPDATE", "DELETE")
CATALOG_TABLES = (
    "catalogue_productcategory",
    "catalogue_productattributevalue",
    "partner_stockrecord",
    "catalogue_assortment_products",
    "catalogue_product",
)


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and any(f'"{table}"' in q["sql"] or f" {table} " in q["sql"] for table in CATALOG_TABLES)
    ]


def test_reapplying_an_unchanged_file_writes_no_catalog_rows(staff_client, committed, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert apply(staff_client, committed, upload(staff_client, committed, good_file())).status == (
        "done"
    )
    links = sorted(ProductCategory.objects.values_list("pk", flat=True))
    values = sorted(ProductAttributeValue.objects.values_list("pk", flat=True))
    records = sorted(StockRecord.objects.values_list("pk", "num_in_stock", "price"))
    job = upload(staff_client, committed, good_file())

    with CaptureQueriesContext(connection) as queries:
        job = apply(staff_client, committed, job)

    assert job.status == "done"
    assert job.summary["products_updated"] == 2
    assert _writes(queries.captured_queries) == []
    assert sorted(ProductCategory.objects.values_list("pk", flat=True)) == links
    assert sorted(ProductAttributeValue.objects.values_list("pk", flat=True)) == values
    assert sorted(StockRecord.objects.values_list("pk", "num_in_stock", "price")) == records


def test_search_documents_follow_changed_categories_and_attributes(
    staff_client, committed, catalog
):
    from catalog import search
    from catalog.versions import catalog_versions

    apply(staff_client, committed, upload(staff_client, committed, good_file()))
    before = catalog_versions(("product",))
    edited = good_file().replace(b",Tools > Drills,both,", b",Tools > Saws,both,")
    edited = edited.replace(
        b",1.25,18,true,2026-01-31,steel,Red,", b",,18,true,2026-01-31,brass,Red,"
    )
    assert edited != good_file()

    job = apply(staff_client, committed, upload(staff_client, committed, edited))

    assert job.status == "done"
    drill = Product.objects.get(upc="D-1")
    assert list(drill.categories.all()) == [catalog["saws"]]
    codes = set(drill.attribute_values.values_list("attribute__code", flat=True))
    assert "weight" not in codes and "material" in codes

    def found(query):
        return [p.upc for p in search.matching(Product.objects.order_by("upc"), query)]

    assert found("brass") == ["D-1"]
    assert found("steel") == []
    words = drill.search_text.split()
    assert "saws" in words and "drills" not in words
    assert "25" not in words  # the weight (1.25) was cleared
    assert catalog_versions(("product",)) != before  # cached listings retire
