"""Everything under /api/ answers JSON errors in one shape, never a 500 for bad input."""

import json

import pytest
from django.test import RequestFactory

from commerce.urls.common import api_aware_500
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(db):
    assert_error(storefront_api().get("/api/no-such-thing/"), 404, "not_found")


def test_a_wrong_method_is_method_not_allowed(db):
    assert_error(storefront_api().delete("/api/products/"), 405, "method_not_allowed")


def test_malformed_json_is_a_validation_error(db):
    client = storefront_api(factories.UserFactory())
    response = client.post("/api/basket/lines/", data="{not json", content_type="application/json")
    assert_error(response, 400, "validation_error")


def test_a_non_json_body_is_unsupported(db):
    client = storefront_api(factories.UserFactory())
    response = client.post("/api/basket/lines/", data="product=1", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "body",
    [[], {"product": "x"}, {"product": 1, "quantity": 0}, {"product": 10**30}, {"quantity": 1}],
)
def test_bad_fields_are_validation_errors(db, body):
    client = storefront_api(factories.UserFactory())
    response = client.post("/api/basket/lines/", body, format="json")
    assert_error(response, 400, "validation_error")


def test_a_too_long_idempotency_key_is_a_validation_error(db):
    client = storefront_api(factories.UserFactory())
    response = client.post(
        "/api/checkout/", {"payment_method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300
    )
    assert_error(response, 400, "validation_error")


def test_pages_outside_the_api_still_get_html_404s(storefront_client, db):
    response = storefront_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "json" not in response["Content-Type"]


def test_a_server_error_under_the_api_is_json(db):
    response = api_aware_500(RequestFactory().get("/api/orders/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "server_error"
    page = api_aware_500(RequestFactory().get("/basket/"))
    assert "json" not in page["Content-Type"]


# --- hostile input: NUL characters and deep nesting --------------------------------


def deep(levels: int, kind: str = "object") -> str:
    if kind == "object":
        return '{"a": ' * levels + "1" + "}" * levels
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "path",
    ["/api/orders/%00/", "/api/invoices/%00/", "/api/products/?search=%00", "/api/orders/?q=a%00"],
)
def test_a_nul_in_the_url_or_a_filter_is_a_json_400(db, path):
    client = storefront_api(factories.UserFactory())
    assert_error(client.get(path), 400, "validation_error")


@pytest.mark.parametrize("path", ["/api/basket/lines/", "/api/checkout/"])
@pytest.mark.parametrize("levels", [33, 1_000, 100_000])
@pytest.mark.parametrize("kind", ["object", "array"])
def test_json_nested_too_deep_is_a_validation_error(db, path, levels, kind):
    client = storefront_api(factories.UserFactory())
    response = client.post(path, data=deep(levels, kind), content_type="application/json")
    assert_error(response, 400, "validation_error")


def test_nesting_within_the_limit_reaches_the_fields(db):
    client = storefront_api(factories.UserFactory())
    body = '{"product": 1, "quantity": 1, "extra": ' + deep(30) + "}"
    response = client.post("/api/basket/lines/", data=body, content_type="application/json")
    body = assert_error(response, 400, "validation_error")
    assert "product" in body["details"]  # parsed, then refused by the serializer


def test_a_nul_in_a_json_string_is_refused_before_anything_is_placed(company, people):
    from commerce.order.models import Order

    client = portal_api(people["buyer"])
    product = factories.ProductFactory(stock=10)
    assert client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json"
    ).status_code in (200, 201)

    for body in ({"payment_method": "account", "po_number": "PO\x00-1"}, {"po\x00": "1"}):
        response = client.post("/api/checkout/", body, format="json")
        assert_error(response, 400, "validation_error")
    assert not Order.objects.exists()
