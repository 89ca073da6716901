"""Flows shared by tests: Oscar's checkout steps over HTTP, mail links, and
calls raced against each other on real threads."""

import os
import re
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

ADDRESS = {
    "first_name": "Gail",
    "last_name": "Guest",
    "line1": "1 Test Street",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


def checkout(client, product, *, quantity=1, guest_email=None):
    """Put ``product`` in the basket and go through Oscar's checkout to the order.

    Returns the final response (a redirect to the thank-you page on success).
    """
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    return checkout_basket(client, guest_email=guest_email)


APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
TIMEOUT_CARD = "4000000000000119"


def checkout_basket(client, *, guest_email=None, card=APPROVED_CARD, shipping="standard"):
    """Check out whatever is in the basket. On the storefront: Oscar's steps
    (guest or signed in, default shipping, a sandbox card); on the portal the
    one-page checkout (see ``portal_checkout``)."""
    if client.defaults.get("HTTP_HOST") == settings.PORTAL_HOST:
        return portal_checkout(client)
    factories.CountryFactory()
    if guest_email:
        client.post("/checkout/", {"username": guest_email, "options": "anonymous"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": shipping})
    client.post("/checkout/payment-details/", {"number": card, "expiry": "12/39", "cvc": "123"})
    preview = client.get("/checkout/preview/")
    if preview.status_code != 200:
        return preview
    return client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "idempotency_key": preview.context["idempotency_key"],
            "expected_total": preview.context["expected_total"],
        },
    )


def portal_checkout(client, **overrides):
    """The portal's one-page checkout with its defaults (first ship-to, first
    delivery method, on account), ``overrides`` replacing form fields."""
    page = client.get("/checkout/")
    if page.status_code != 200:
        return page
    form = page.context["form"]
    data = {
        "ship_to": form["ship_to"].value(),
        "shipping_method": form["shipping_method"].value(),
        "payment_method": form["payment_method"].value(),
        "po_number": "",
        "requested_delivery_date": "",
        "notes": "",
        "idempotency_key": form["idempotency_key"].value(),
    }
    for option in page.context["options"]:
        data[f"expected_total_{option['method'].code}"] = str(option["total"].excl_tax)
    data.update(overrides)
    if data["payment_method"] == "card":
        data.update({"number": APPROVED_CARD, "expiry": "12/39", "cvc": "123"})
    return client.post("/checkout/", data)


def link_in_last_email(pattern: str = r"https?://\S+") -> str:
    """The first URL in the most recent email (as a path, host stripped)."""
    found = re.search(pattern, mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return re.sub(r"^https?://[^/]+", "", found.group(0))


def at_once(*calls, expected=(), timeout=60, what="a call"):
    """Run ``calls`` on one thread each, released together by a barrier; each
    thread has its own database connection. Returns their results in order (an
    ``expected`` exception counts as the result); fails if one hangs."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait()
            outcomes[n] = call()
        except expected as error:
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), f"{what} hung"
    return outcomes


def portal_order_request(company, user, product, quantity=1, *, payment="account", **extra):
    """A portal basket of ``quantity`` x ``product`` and the checkout request that
    ships it to the company's default ship-to by free freight (``place_portal_order``)."""
    from oscar.core.loading import get_model

    from accounts.addresses import order_address_fields
    from commerce.checkout.placement import CheckoutRequest
    from pricing.strategy import Selector

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=user, site_id=settings.PORTAL_SITE_ID, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
    basket.add_product(product, quantity)
    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    request = CheckoutRequest(
        channel="portal",
        user=user,
        company=company,
        shipping_address=order_address_fields(ship_to),
        shipping_method_code="freight",
        payment_method=payment,
        **extra,
    )
    return basket, request


def place_portal_order(company, user, product, quantity=1, *, payment="account", **extra):
    """Place a portal order of ``quantity`` x ``product`` through the order
    pipeline, shipped to the company's default ship-to by free freight."""
    from commerce.checkout.placement import order_place

    basket, request = portal_order_request(
        company, user, product, quantity, payment=payment, **extra
    )
    return order_place(basket=basket, request=request)


def place_storefront_order(user, product, quantity=1):
    """Place a consumer's card order of ``quantity`` x ``product`` on the
    storefront through the order pipeline (standard delivery to Berlin)."""
    from oscar.core.loading import get_model

    from commerce.checkout.placement import CheckoutRequest, order_place
    from pricing.strategy import Selector
    from tests import factories

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=user, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    basket.add_product(product, quantity)
    return order_place(
        basket=basket,
        request=CheckoutRequest(
            channel="storefront",
            user=user,
            shipping_address={**ADDRESS, "country": factories.CountryFactory()},
            shipping_method_code="standard",
            payment_method="card",
            card_token="tok_sandbox_approve",
        ),
    )


def page_queries(client, url) -> tuple[int, object]:
    """The queries of a warm GET of ``url`` (a first GET warms per-process caches:
    site rows, content types, and may save the session, whose next read then
    fills the cache: a second GET) and its response, which must be a 200."""
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(ctx.captured_queries), response


def count_queries(client, url) -> int:
    """How many queries a warm GET of ``url`` costs (``page_queries``)."""
    return page_queries(client, url)[0]


def missing_service(message: str, required_by: str) -> None:
    """A service the test needs is not here: fail where the environment variable
    ``required_by`` is 1 (CI), else skip."""
    if os.environ.get(required_by) == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
