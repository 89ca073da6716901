"""Flows shared by tests: Oscar's checkout steps over HTTP, mail links."""

import re

from django.core import mail

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


def checkout_basket(client, *, guest_email=None):
    """Check out whatever is in the basket (Oscar's steps, default shipping)."""
    factories.CountryFactory()
    if guest_email:
        client.post("/checkout/", {"username": guest_email, "options": "anonymous"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.get("/checkout/shipping-method/")
    client.get("/checkout/payment-details/")
    return client.post("/checkout/preview/", {"action": "place_order"})


def link_in_last_email(pattern: str = r"https?://\S+") -> str:
    """The first URL in the most recent email (as a path, host stripped)."""
    found = re.search(pattern, mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return re.sub(r"^https?://[^/]+", "", found.group(0))
