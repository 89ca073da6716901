"""The dashboard and the admin are for staff only."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/dashboard/", "/admin/"])
def test_anonymous_visitors_are_sent_to_sign_in(storefront_client, path):
    response = storefront_client.get(path)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("path", ["/dashboard/", "/admin/"])
def test_customers_are_not_let_in(storefront_client, path):
    storefront_client.force_login(factories.UserFactory())

    response = storefront_client.get(path)

    assert response.status_code in (302, 403)
    assert response.status_code != 200


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/catalogue/",
        "/dashboard/catalogue/categories/",
        "/dashboard/partners/",
        "/admin/",
        "/admin/catalogue/product/",
        "/admin/partner/stockrecord/",
        "/admin/accounts/company/",
    ],
)
def test_staff_manage_catalog_stock_and_partners(storefront_client, path):
    factories.ProductFactory()
    storefront_client.force_login(factories.StaffFactory())

    assert storefront_client.get(path).status_code == 200
