"""One idempotency mechanism for pages and API, scoped to (user, site,
company): the same key in another scope is another checkout."""

from oscar.core.loading import get_model

from commerce.order.models import IdempotencyKey
from tests import factories
from tests.api.conftest import portal_api, storefront_api

Order = get_model("order", "Order")

BODY = {
    "payment_method": "card",
    "card_token": "tok_sandbox_approve",
    "shipping_address": {
        "first_name": "Ada",
        "last_name": "Buyer",
        "line1": "1 Test Street",
        "line4": "Berlin",
        "postcode": "10115",
        "country": "DE",
    },
}


def checkout(client, product, key):
    assert (
        client.post(
            "/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json"
        ).status_code
        == 201
    )
    return client.post("/api/checkout/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_one_key_in_two_companies_and_on_the_storefront_places_three_orders(company, other_company):
    factories.CountryFactory()
    for each in (company, other_company):  # this body's address is a one-off for both
        each.allow_one_off_addresses = True
        each.save(update_fields=["allow_one_off_addresses"])
    user = factories.MembershipFactory(company=company, role="buyer").user
    factories.MembershipFactory(company=other_company, user=user, role="buyer")
    product = factories.ProductFactory(stock=10)
    for_acme = portal_api(user, company=company)
    for_globex = portal_api(user, company=other_company)
    at_home = storefront_api(user)

    answers = [checkout(c, product, "same-key") for c in (for_acme, for_globex, at_home)]

    assert [a.status_code for a in answers] == [201, 201, 201], [a.content for a in answers]
    assert not any(a.get("Idempotent-Replayed") for a in answers)
    orders = Order.objects.order_by("pk")
    assert [(o.company_id, o.site.domain != "") for o in orders] == [
        (company.pk, True),
        (other_company.pk, True),
        (None, True),
    ]
    assert IdempotencyKey.objects.filter(key="same-key").count() == 3

    again = for_globex.post("/api/checkout/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="same-key")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == answers[1].json()["number"]
    assert Order.objects.count() == 3


def test_the_portal_page_and_the_api_share_one_key_table(company):
    from tests.helpers import portal_checkout
    from tests.orders.conftest import portal_buyer

    client = portal_buyer(company)
    client.post(f"/basket/add/{factories.ProductFactory(stock=5).pk}/", {"quantity": 1})

    response = portal_checkout(client, idempotency_key="page-key")

    assert response.status_code == 302, response.content[:300]
    row = IdempotencyKey.objects.get(key="page-key")
    assert (row.site, row.company, row.order) == ("portal", company, Order.objects.get())
