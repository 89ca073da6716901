"""Staff set what the delivery estimate uses: a partner's lead time (partner
page) and a stock record's back-in-stock date (product form); a change shows on
the next product page, cached or not."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from tests import factories
from tests.catalog.test_staff_editing import product_form_data

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.StaffFactory(is_superuser=True))
    return client


def estimate_on_page(product) -> str:
    response = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode().split('id="delivery_estimate"', 1)[1].split("</p>", 1)[0]


def partner_form(partner, **overrides):
    country = factories.CountryFactory()
    return {
        "name": partner.name,
        "lead_time_days": "",
        "line1": "1 Depot Road",
        "line4": "Berlin",
        "postcode": "10115",
        "country": country.pk,
        **overrides,
    }


def test_the_partner_page_sets_the_lead_time(staff_client):
    partner = factories.PartnerFactory(name="Central", lead_time_days=None)

    page = staff_client.get(f"/dashboard/partners/{partner.pk}/")
    response = staff_client.post(
        f"/dashboard/partners/{partner.pk}/", partner_form(partner, lead_time_days="6")
    )

    assert 'name="lead_time_days"' in page.content.decode()
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert partner.lead_time_days == 6


@pytest.mark.parametrize("bad", ["-1", "366", "abc", "1.5"])
def test_a_bad_lead_time_is_refused_and_nothing_changes(staff_client, bad):
    partner = factories.PartnerFactory(name="Central", lead_time_days=3)

    response = staff_client.post(
        f"/dashboard/partners/{partner.pk}/",
        partner_form(partner, name="Renamed", lead_time_days=bad),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["lead_time_days"]
    partner.refresh_from_db()
    assert (partner.name, partner.lead_time_days) == ("Central", 3)


def test_a_partner_is_created_with_a_lead_time(staff_client):
    response = staff_client.post(
        "/dashboard/partners/create/", {"name": "Made to order", "lead_time_days": "12"}
    )

    assert response.status_code == 302
    assert Partner.objects.get(name="Made to order").lead_time_days == 12


def test_a_lead_time_change_shows_on_the_next_cached_product_page(staff_client):
    partner = factories.PartnerFactory(name="Central", lead_time_days=None)
    product = factories.ProductFactory(stock=0, stock__partner=partner)
    assert 'data-kind="unknown"' in estimate_on_page(product)
    assert 'data-kind="unknown"' in estimate_on_page(product)  # now served from the cache

    url = f"/dashboard/partners/{partner.pk}/"
    staff_client.post(url, partner_form(partner, lead_time_days="4"))

    assert 'data-kind="lead_time"' in estimate_on_page(product)


def stock_form_data(product, record, back_in_stock: str):
    return product_form_data(
        product,
        factories.make_category("Tools"),
        **{
            "stockrecords-TOTAL_FORMS": "1",
            "stockrecords-INITIAL_FORMS": "1",
            "stockrecords-0-id": str(record.pk),
            "stockrecords-0-partner": str(record.partner_id),
            "stockrecords-0-partner_sku": record.partner_sku,
            "stockrecords-0-price_currency": record.price_currency,
            "stockrecords-0-price": str(record.price),
            "stockrecords-0-num_in_stock": str(record.num_in_stock),
            "stockrecords-0-low_stock_threshold": "",
            "stockrecords-0-back_in_stock": back_in_stock,
        },
    )


def test_the_product_form_sets_the_back_in_stock_date_and_the_page_shows_it(staff_client):
    product = factories.ProductFactory(stock=0)
    record = product.stockrecords.get()
    assert 'data-kind="back_in_stock"' not in estimate_on_page(product)
    back = date.today() + timedelta(days=9)

    page = staff_client.get(f"/dashboard/catalogue/products/{product.pk}/")
    response = staff_client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        stock_form_data(product, record, back.isoformat()),
    )

    assert 'name="stockrecords-0-back_in_stock"' in page.content.decode()
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.back_in_stock == back
    assert 'data-kind="back_in_stock"' in estimate_on_page(product)


def test_a_back_in_stock_date_in_the_past_is_refused(staff_client):
    product = factories.ProductFactory(stock=0)
    record = product.stockrecords.get()

    response = staff_client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        stock_form_data(product, record, (date.today() - timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 200
    assert "in the past" in str(response.context["stockrecord_formset"].errors)
    record.refresh_from_db()
    assert record.back_in_stock is None


def test_an_old_date_already_stored_does_not_block_other_edits(staff_client):
    product = factories.ProductFactory(stock=0)
    record = product.stockrecords.get()
    StockRecord.objects.filter(pk=record.pk).update(back_in_stock=date(2020, 1, 1))
    record.refresh_from_db()

    response = staff_client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        stock_form_data(product, record, "2020-01-01"),
    )

    assert response.status_code == 302


def test_an_in_stock_record_keeps_its_cached_pages_when_only_its_date_changes():
    from catalog.versions import catalog_versions

    product = factories.ProductFactory(stock=50)
    record = product.stockrecords.get()
    before = catalog_versions(("stock",))

    record.back_in_stock = date.today() + timedelta(days=3)
    record.save()

    assert catalog_versions(("stock",)) == before  # an in-stock page shows no such date


def test_an_out_of_stock_record_retires_cached_pages_when_its_date_changes():
    product = factories.ProductFactory(stock=0)
    assert 'data-kind="back_in_stock"' not in estimate_on_page(product)

    record = product.stockrecords.get()  # as the admin or any model save would
    record.back_in_stock = date.today() + timedelta(days=3)
    record.save()

    assert 'data-kind="back_in_stock"' in estimate_on_page(product)
