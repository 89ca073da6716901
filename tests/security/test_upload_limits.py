"""Unbounded uploads: an oversize file is refused from the request's size before
its body is read, and nothing of it is stored."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser

from commerce.imports.models import ImportJob
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_media(settings, tmp_path):
    """Media roots of this test alone, so "nothing was stored" can be checked."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def stored_files() -> list[Path]:
    """Every file under the public and the private media roots."""
    return [
        path
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        for path in Path(root).rglob("*")
        if path.is_file() and "imports" in path.parts
    ]


@pytest.fixture
def body_never_parsed(monkeypatch):
    """Fail the test if Django starts parsing a multipart body."""

    def refuse(self):
        raise AssertionError("the upload was read before its size was checked")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


def big_csv(size: int) -> bytes:
    line = b"SKU-00000,A product title that is long enough,Tools\n"
    return b"sku,title,product_class\n" + line * (size // len(line) + 1)


def test_an_oversize_product_csv_is_refused_before_it_is_read(
    staff_client, settings, body_never_parsed
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 200 * 1024

    response = staff_client.post(
        "/dashboard/catalogue/products/import/",
        {"file": SimpleUploadedFile("big.csv", big_csv(2 * 1024 * 1024), "text/csv")},
    )

    assert response.status_code == 413
    assert "larger than 200 KB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files() == []


def test_an_oversize_price_list_is_refused_before_it_is_read(
    staff_client, settings, body_never_parsed
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 200 * 1024
    price_list = factories.PriceListFactory(name="Gold")

    response = staff_client.post(
        f"/dashboard/pricing/lists/{price_list.pk}/import/",
        {"file": SimpleUploadedFile("big.csv", big_csv(2 * 1024 * 1024)), "mode": "replace"},
    )

    assert response.status_code == 413
    assert not ImportJob.objects.exists()
    assert stored_files() == []


def test_a_file_just_over_the_limit_is_refused_by_its_recorded_size(staff_client, settings):
    """Within the request allowance, the form refuses it from ``UploadedFile.size``."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 200 * 1024

    response = staff_client.post(
        "/dashboard/catalogue/products/import/",
        {"file": SimpleUploadedFile("big.csv", big_csv(220 * 1024), "text/csv")},
    )

    assert response.status_code == 400
    assert "larger than 200 KB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files() == []


def test_an_oversize_quick_order_upload_is_refused_before_it_is_read(
    portal_buyer_client, body_never_parsed
):
    content = b"sku,quantity\n" + b"SKU-1,1\n" * 100_000  # 800 KB, over the 512 KB limit

    response = portal_buyer_client.post(
        "/quick-order/", {"file": SimpleUploadedFile("order.csv", content, "text/csv")}
    )

    assert response.status_code == 413
    assert "larger than 512 KB" in response.content.decode()
