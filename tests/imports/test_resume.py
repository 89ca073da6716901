"""Import jobs a dead worker left behind: staff resume them from the status page,
a failed job restarts from validation, and however often the apply is delivered
the file is applied exactly once."""

import threading

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from oscar.core.loading import get_model

from commerce.imports import services
from commerce.imports.models import ImportJob
from tests import factories
from tests.helpers import at_once

Product = get_model("catalogue", "Product")
Status = ImportJob.Status

pytestmark = pytest.mark.django_db

ROWS = 30


@pytest.fixture
def tools():
    return factories.ProductClassFactory(name="Tools", slug="tools")


def stuck_job(status: str) -> ImportJob:
    """A product import whose worker died in ``status`` (nothing of it applied)."""
    rows = "".join(f"R-{n:03d},Ratchet {n},Tools\n" for n in range(ROWS))
    return ImportJob.objects.create(
        kind="products",
        params={},
        file=ContentFile(f"sku,title,product_class\n{rows}".encode(), name="ratchets.csv"),
        filename="ratchets.csv",
        status=status,
    )


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory(is_superuser=True))
    return storefront_client


def resume(client, committed, job):
    with committed():
        response = client.post(f"/dashboard/imports/{job.pk}/resume/")
    job.refresh_from_db()
    return response


def test_staff_resume_an_import_left_applying_and_it_applies_once(staff_client, committed, tools):
    job = stuck_job(Status.APPLYING)
    page = staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()
    assert 'id="resume_button"' in page

    response = resume(staff_client, committed, job)

    assert response.status_code == 302
    assert job.status == Status.DONE
    assert job.summary["products_created"] == ROWS
    assert Product.objects.filter(upc__startswith="R-").count() == ROWS


def test_staff_resume_an_import_left_validating(staff_client, committed, tools):
    job = stuck_job(Status.VALIDATING)

    resume(staff_client, committed, job)

    assert job.status == Status.READY
    assert job.total_rows == ROWS
    assert not Product.objects.exists()  # validation changes nothing


def test_a_failed_import_restarts_from_validation(staff_client, committed, tools):
    job = stuck_job(Status.FAILED)
    job.errors = [{"line": 0, "column": "", "message": "Nothing was applied: boom"}]
    job.error_count = 1
    job.save()
    assert "Restart import" in staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()

    resume(staff_client, committed, job)

    assert (job.status, job.error_count, job.errors) == (Status.READY, 0, [])


@pytest.mark.parametrize("status", [Status.READY, Status.DONE, Status.INVALID])
def test_only_running_or_failed_imports_can_be_resumed(staff_client, committed, tools, status):
    job = stuck_job(status)
    page = staff_client.get(f"/dashboard/imports/{job.pk}/").content.decode()
    assert 'id="resume_button"' not in page

    response = resume(staff_client, committed, job)

    assert response.status_code == 302
    assert job.status == status
    assert not Product.objects.exists()
    messages = [str(m) for m in staff_client.get(response["Location"]).context["messages"]]
    assert messages == ["Only a running or failed import can be resumed."]


def test_customers_cannot_resume_imports(storefront_client, committed, tools):
    storefront_client.force_login(factories.UserFactory())
    job = stuck_job(Status.APPLYING)

    response = resume(storefront_client, committed, job)

    assert response.status_code in (302, 403)
    assert "/dashboard/imports/" not in response.get("Location", "")
    assert job.status == Status.APPLYING
    assert not Product.objects.exists()


def test_resume_is_post_only(staff_client, tools):
    job = stuck_job(Status.APPLYING)

    assert staff_client.get(f"/dashboard/imports/{job.pk}/resume/").status_code == 405


def test_an_apply_delivered_again_after_it_finished_does_nothing(tools):
    job = stuck_job(Status.APPLYING)
    services.import_apply(job.pk)
    Product.objects.filter(upc="R-000").update(title="Edited since")

    again = services.import_apply(job.pk)

    assert again.status == Status.DONE
    assert Product.objects.get(upc="R-000").title == "Edited since"
    assert Product.objects.filter(upc__startswith="R-").count() == ROWS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_apply_at_once_apply_it_exactly_once(tools):
    """A resumed job whose first worker is in fact still applying: one of the two
    applies, the other leaves the job alone."""
    job = stuck_job(Status.APPLYING)

    outcomes = at_once(
        lambda: services.import_apply(job.pk).status,
        lambda: services.import_apply(job.pk).status,
        what="an import apply",
    )

    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.summary["products_created"] == ROWS
    assert Product.objects.filter(upc__startswith="R-").count() == ROWS
    assert Status.FAILED not in outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_resuming_an_import_that_is_being_applied_is_refused_at_once(tools):
    """The apply holds the job's row lock for its whole transaction: a resume
    says so instead of waiting for it, and queues nothing."""
    job = stuck_job(Status.APPLYING)
    locked, release = threading.Event(), threading.Event()

    def applying():
        try:
            with transaction.atomic():
                ImportJob.objects.select_for_update().get(pk=job.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=applying)
    worker.start()
    try:
        assert locked.wait(10)
        client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
        client.force_login(factories.StaffFactory(is_superuser=True))
        response = client.post(f"/dashboard/imports/{job.pk}/resume/", follow=True)
    finally:
        release.set()
        worker.join(10)

    assert [str(m) for m in response.context["messages"]] == [
        "This import is being applied right now; it needs no resuming."
    ]
    job.refresh_from_db()
    assert job.status == Status.APPLYING
    assert not Product.objects.exists()
