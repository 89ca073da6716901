"""``PATCH /api/orders/{number}/``: the buyer edits an order waiting for approval."""

from decimal import Decimal

import pytest
from django.conf import settings
from oscar.core.loading import get_model
from rest_framework.test import APIClient

from commerce.api import tokens
from tests import factories

from .conftest import place, threshold

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def api(user, company):
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    key = tokens.token_issue(user=user, name="test", kind="personal", actor=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.defaults["HTTP_X_COMPANY"] = str(company.pk)
    return client


@pytest.fixture
def pending(company, people, bolts):
    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 20)
    assert order.status == "Pending approval"
    return order


def url(order):
    return f"/api/orders/{order.number}/"


def test_buyer_changes_a_line_and_adds_one(company, people, pending, nuts):
    client = api(people["buyer"].user, company)
    seen = client.get(url(pending)).json()
    line = seen["lines"][0]["id"]

    response = client.patch(
        url(pending),
        {
            "lines": [{"id": line, "quantity": 15}],
            "add": [{"product": nuts.pk, "quantity": 4}],
            "expected_version": seen["version"],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(x["title"], x["quantity"]) for x in body["lines"]] == [("Bolt", 15), ("Nut", 4)]
    assert Decimal(body["total_excl_tax"]) == Decimal("158.00") + Decimal(body["shipping_excl_tax"])
    assert body["status"] == "Pending approval" and body["version"] != seen["version"]


def test_a_stale_version_is_a_409_and_nothing_changes(company, people, pending):
    client = api(people["buyer"].user, company)
    seen = client.get(url(pending)).json()
    line = seen["lines"][0]["id"]
    first = client.patch(
        url(pending),
        {"lines": [{"id": line, "quantity": 12}], "expected_version": seen["version"]},
        format="json",
    )
    assert first.status_code == 200

    second = client.patch(
        url(pending),
        {"lines": [{"id": line, "quantity": 30}], "expected_version": seen["version"]},
        format="json",
    )

    assert (second.status_code, second.json()["code"]) == (409, "order_changed")
    assert pending.lines.get().quantity == 12


def test_another_companys_order_is_a_404(company, people, pending):
    other = factories.business("Globex Supply")
    outsider = factories.MembershipFactory(company=other, role="admin").user

    response = api(outsider, other).patch(
        url(pending), {"lines": [{"id": 1, "quantity": 1}]}, format="json"
    )

    assert response.status_code == 404
    assert pending.lines.get().quantity == 20


def test_buyer_cannot_edit_a_placed_order(company, people, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    client = api(people["buyer"].user, company)
    line = order.lines.get().pk

    response = client.patch(url(order), {"lines": [{"id": line, "quantity": 3}]}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "order_not_editable")


@pytest.mark.parametrize(
    "body",
    [
        {"lines": [{"id": 1, "quantity": -1}]},
        {"lines": [{"id": "x", "quantity": 1}]},
        {"lines": [{"id": 7, "quantity": 1}, {"id": 7, "quantity": 2}]},
        {"add": [{"product": 1, "quantity": 0}]},
        {"shipping_address": "somewhere"},
        {"lines": "\u0000"},
    ],
)
def test_hostile_bodies_are_400s(company, people, pending, body):
    response = api(people["buyer"].user, company).patch(url(pending), body, format="json")

    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert pending.lines.get().quantity == 20


def test_unknown_line_or_hidden_product_is_a_clear_400(company, people, pending):
    client = api(people["buyer"].user, company)

    response = client.patch(
        url(pending),
        {"lines": [{"id": 999999, "quantity": 1}], "add": [{"product": 999999, "quantity": 1}]},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "edit_invalid")
    assert len(response.json()["details"]["problems"]) == 2


def test_a_retry_with_the_same_key_is_answered_once(company, people, pending):
    client = api(people["buyer"].user, company)
    line = pending.lines.get().pk
    body = {"lines": [{"id": line, "quantity": 18}]}

    first = client.patch(url(pending), body, format="json", HTTP_IDEMPOTENCY_KEY="edit-1")
    again = client.patch(url(pending), body, format="json", HTTP_IDEMPOTENCY_KEY="edit-1")
    other = client.patch(
        url(pending),
        {"lines": [{"id": line, "quantity": 17}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="edit-1",
    )

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["lines"] == again.json()["lines"]
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_conflict")
    assert pending.notes.filter(note_type="Edit").count() == 1
