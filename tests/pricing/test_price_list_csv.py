"""Price lists as CSV: dry run with row errors, all-or-nothing apply, export round trip."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model

from commerce.imports.models import ImportJob
from tests import factories

PriceListEntry = get_model("partner", "PriceListEntry")
Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


@pytest.fixture
def tier():
    return factories.PriceListFactory(name="Gold distributor", code="gold")


@pytest.fixture
def products():
    return [factories.ProductFactory(upc=f"P-{n}") for n in range(3)]


def upload(client, committed, price_list, content: bytes, mode="replace"):
    with committed():
        response = client.post(
            f"/dashboard/pricing/lists/{price_list.pk}/import/",
            {"file": SimpleUploadedFile("prices.csv", content, "text/csv"), "mode": mode},
        )
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.latest("pk")


def apply(client, committed, job):
    with committed():
        client.post(f"/dashboard/imports/{job.pk}/apply/")
    job.refresh_from_db()
    return job


def test_dry_run_then_apply(staff_client, committed, tier, products):
    csv = b"sku,min_quantity,unit_price\nP-0,1,9.50\nP-0,10,9.00\nP-1,,4.25\n"

    job = upload(staff_client, committed, tier, csv)

    assert job.status == "ready"
    assert not PriceListEntry.objects.exists()  # a dry run changes nothing
    page = staff_client.get(f"/dashboard/imports/{job.pk}/")
    assert "All 3 rows are valid" in page.content.decode()

    job = apply(staff_client, committed, job)

    assert job.status == "done"
    assert sorted(tier.entries.values_list("product__upc", "min_quantity", "unit_price")) == [
        ("P-0", 1, Decimal("9.50")),
        ("P-0", 10, Decimal("9.00")),
        ("P-1", 1, Decimal("4.25")),
    ]


def test_row_errors_are_reported_and_nothing_applies(staff_client, committed, tier, products):
    factories.price(tier, products[2], "1.00")
    csv = (
        b"sku,min_quantity,unit_price,valid_from,valid_until\n"
        b"P-0,1,9.50,,\n"
        b"NOPE,1,1.00,,\n"
        b"P-1,0,1.00,,\n"
        b"P-1,1,-3,,\n"
        b"P-1,1,abc,,\n"
        b"P-1,1,1.005,,\n"
        b"P-0,1,9.40,,\n"
        b"P-2,1,1.00,2026-02-01T00:00:00+00:00,2026-01-01T00:00:00+00:00\n"
        b"P-2,5,1.00,yesterday,\n"
    )

    job = upload(staff_client, committed, tier, csv)

    assert job.status == "invalid"
    assert [(e["line"], e["column"]) for e in job.errors] == [
        (3, "sku"),
        (4, "min_quantity"),
        (5, "unit_price"),
        (6, "unit_price"),
        (7, "unit_price"),
        (8, "sku"),
        (9, "valid_until"),
        (10, "valid_from/valid_until"),
    ]
    assert "No product with SKU 'NOPE'" in job.errors[0]["message"]
    assert "Duplicate of line 2" in job.errors[5]["message"]
    assert list(tier.entries.values_list("unit_price", flat=True)) == [Decimal("1.00")]
    with committed():
        staff_client.post(f"/dashboard/imports/{job.pk}/apply/")
    assert list(tier.entries.values_list("unit_price", flat=True)) == [Decimal("1.00")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfesku,unit_price\n", "not UTF-8"),
        (b"\n", "empty"),
        (b"sku,price\nP-0,1\n", "Missing column(s): unit_price"),
        (b"sku,unit_price,colour\nP-0,1,red\n", "Unknown column(s): colour"),
        (b"sku,unit_price,sku\nP-0,1,P-0\n", "Repeated column(s): sku"),
        (b"sku,unit_price\nP-0,1,extra\n", "More values than columns"),
    ],
)
def test_malformed_files_get_a_clear_report(
    staff_client, committed, tier, products, content, message
):
    job = upload(staff_client, committed, tier, content)

    assert job.status == "invalid"
    assert message in job.errors[0]["message"]
    assert not tier.entries.exists()


def test_an_empty_upload_is_refused_by_the_form(staff_client, tier):
    response = staff_client.post(
        f"/dashboard/pricing/lists/{tier.pk}/import/",
        {"file": SimpleUploadedFile("prices.csv", b"", "text/csv"), "mode": "replace"},
    )

    assert response.status_code == 200
    assert "The submitted file is empty" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_utf8_bom_from_spreadsheet_software_is_fine(staff_client, committed, tier, products):
    job = upload(staff_client, committed, tier, "\ufeffsku,unit_price\nP-0,2.00\n".encode())

    assert job.status == "ready"


def test_sku_case_does_not_matter(staff_client, committed, tier, products):
    job = upload(staff_client, committed, tier, b"sku,unit_price\np-1,2.00\n")

    assert job.status == "ready"


def test_merge_mode_keeps_other_entries_and_updates_matching_ones(
    staff_client, committed, tier, products
):
    factories.price(tier, products[0], "5.00")
    factories.price(tier, products[1], "6.00")

    job = upload(
        staff_client, committed, tier, b"sku,unit_price\nP-1,6.50\nP-2,7.00\n", mode="merge"
    )
    apply(staff_client, committed, job)

    assert sorted(tier.entries.values_list("product__upc", "unit_price")) == [
        ("P-0", Decimal("5.00")),
        ("P-1", Decimal("6.50")),
        ("P-2", Decimal("7.00")),
    ]


def test_export_then_import_round_trips_exactly(staff_client, committed, tier, products):
    factories.price(tier, products[0], "5.00")
    factories.price(tier, products[0], "4.75", min_quantity=12)
    factories.price(
        tier,
        products[1],
        "6.10",
        valid_from="2026-01-01T00:00:00+00:00",
        valid_until="2027-01-01T00:00:00+00:00",
    )
    exported = b"".join(
        staff_client.get(f"/dashboard/pricing/lists/{tier.pk}/export.csv").streaming_content
    )
    before = sorted(
        tier.entries.values_list(
            "product_id", "min_quantity", "unit_price", "valid_from", "valid_until"
        )
    )

    job = upload(staff_client, committed, tier, exported)
    apply(staff_client, committed, job)
    again = b"".join(
        staff_client.get(f"/dashboard/pricing/lists/{tier.pk}/export.csv").streaming_content
    )

    assert job.status == "done"
    assert (
        sorted(
            tier.entries.values_list(
                "product_id", "min_quantity", "unit_price", "valid_from", "valid_until"
            )
        )
        == before
    )
    assert again == exported
    assert exported.decode().splitlines()[0] == "sku,min_quantity,unit_price,valid_from,valid_until"


def test_a_job_applies_once(staff_client, committed, tier, products):
    job = upload(staff_client, committed, tier, b"sku,unit_price\nP-0,1.00\n")
    apply(staff_client, committed, job)

    with committed():
        response = staff_client.post(f"/dashboard/imports/{job.pk}/apply/", follow=True)

    assert "already applied" in response.content.decode()
    assert tier.entries.count() == 1


def test_the_file_is_revalidated_when_applied(staff_client, committed, tier, products):
    job = upload(staff_client, committed, tier, b"sku,unit_price\nP-0,1.00\n")
    Product.objects.filter(upc="P-0").delete()

    job = apply(staff_client, committed, job)

    assert job.status == "invalid"
    assert not tier.entries.exists()


def test_a_big_file_with_one_bad_row_applies_nothing(staff_client, committed, tier):
    Product.objects.bulk_create(
        Product(upc=f"B-{n}", title=f"B {n}", structure="standalone") for n in range(1000)
    )
    rows = [f"B-{n % 1000},{1 + n // 1000},{1 + n % 7}.00" for n in range(100_000)]
    rows[77_777] = "B-1,1,not-a-price"
    content = ("sku,min_quantity,unit_price\n" + "\n".join(rows) + "\n").encode()

    job = upload(staff_client, committed, tier, content)

    assert (job.status, job.total_rows, job.error_count) == ("invalid", 100_000, 1)
    assert job.errors[0]["line"] == 77_779
    assert not tier.entries.exists()


def test_non_staff_cannot_import_or_export(storefront_client, tier):
    storefront_client.force_login(factories.UserFactory())

    assert storefront_client.get(f"/dashboard/pricing/lists/{tier.pk}/export.csv").status_code in (
        302,
        403,
    )
    assert storefront_client.get(f"/dashboard/pricing/lists/{tier.pk}/import/").status_code in (
        302,
        403,
    )


def _entries(price_list):
    return sorted(
        price_list.entries.values_list(
            "product__upc", "min_quantity", "unit_price", "valid_from", "valid_until"
        )
    )


def test_replace_mode_leaves_exactly_the_file_and_other_lists_alone(
    staff_client, committed, tier, products
):
    from catalog.versions import catalog_versions

    other = factories.PriceListFactory(name="Silver", code="silver")
    factories.price(other, products[0], "8.00")
    factories.price(tier, products[0], "5.00")
    factories.price(tier, products[2], "3.00", min_quantity=50)
    versions = catalog_versions(("price",))

    job = upload(
        staff_client,
        committed,
        tier,
        b"sku,min_quantity,unit_price,valid_from,valid_until\n"
        b"P-0,1,4.90,,\n"
        b"P-0,10,4.50,2026-01-01T00:00:00+00:00,2026-07-01T00:00:00+00:00\n"
        b"P-1,5,1.05,,\n",
    )
    job = apply(staff_client, committed, job)

    assert job.status == "done"
    assert job.summary["entries_written"] == 3
    assert job.summary["entries_replaced"] == 2
    january, july = (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 7, 1, tzinfo=UTC),
    )
    assert _entries(tier) == [
        ("P-0", 1, Decimal("4.90"), None, None),
        ("P-0", 10, Decimal("4.50"), january, july),
        ("P-1", 5, Decimal("1.05"), None, None),
    ]
    assert _entries(other) == [("P-0", 1, Decimal("8.00"), None, None)]
    assert catalog_versions(("price",)) != versions  # cached pages showing prices retire


def test_merge_mode_matches_product_minimum_and_start(staff_client, committed, tier, products):
    january = datetime(2026, 1, 1, tzinfo=UTC)
    factories.price(tier, products[0], "5.00")
    factories.price(tier, products[0], "4.00", min_quantity=10)
    factories.price(tier, products[0], "4.80", valid_from=january)
    factories.price(tier, products[1], "6.00")

    job = upload(
        staff_client,
        committed,
        tier,
        b"sku,min_quantity,unit_price,valid_from\n"
        b"P-0,1,4.95,2026-01-01T00:00:00+00:00\n"  # replaces the entry starting in January
        b"p-0,10,3.90,\n"  # replaces the break at 10 (SKU in another case)
        b"P-2,1,2.00,\n",  # new
        mode="merge",
    )
    job = apply(staff_client, committed, job)

    assert job.status == "done"
    assert job.summary["entries_replaced"] == 2
    assert _entries(tier) == [
        ("P-0", 1, Decimal("4.95"), january, None),
        ("P-0", 1, Decimal("5.00"), None, None),
        ("P-0", 10, Decimal("3.90"), None, None),
        ("P-1", 1, Decimal("6.00"), None, None),
        ("P-2", 1, Decimal("2.00"), None, None),
    ]


def test_a_minimum_quantity_too_large_to_store_is_a_row_error(
    staff_client, committed, tier, products
):
    job = upload(staff_client, committed, tier, b"sku,min_quantity,unit_price\nP-0,2147483648,1\n")

    assert job.status == "invalid"
    assert job.errors[0]["line"] == 2 and job.errors[0]["column"] == "min_quantity"
