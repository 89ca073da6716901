"""Everything under /api/ answers JSON errors in one shape, never a 500 for bad input."""

import json

import pytest
from django.test import RequestFactory

from commerce.urls.common import api_aware_500
from tests import factories
from tests.api.conftest import assert_error, storefront_api

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
