"""Accepting and ordering one quote twice at the same moment (PostgreSQL, real
threads): one order at the quoted prices, and both callers get it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import staff_policy
from accounts.addresses import order_address_fields
from commerce.checkout.placement import CheckoutRequest
from commerce.quotes import services
from commerce.quotes.models import Quote
from tests import factories
from tests.helpers import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


@pytest.mark.parametrize("attempt", range(2))
def test_accepting_and_ordering_a_quote_twice_at_once_makes_one_order(attempt):
    company = factories.business("Acme Industrial")
    membership = factories.MembershipFactory(company=company, role="buyer")
    rep = factories.UserFactory()
    staff_policy.staff_role_assign(user=rep, role_key="sales_rep")
    product = factories.ProductFactory(stock=10, stock__price="20.00")
    quote = services.quote_request(membership=membership, lines=[(product, 5, None)])
    line = quote.lines.get()
    services.quote_offer(
        quote=quote,
        actor=rep,
        prices={line.pk: "14.00"},
        valid_until=timezone.localdate() + timedelta(days=7),
    )
    ship_to = company.addresses.get(kind="ship_to", is_default=True)

    def accept_and_order():
        services.quote_accept(quote=quote, membership=membership)
        return services.quote_order_place(
            quote=quote,
            request=CheckoutRequest(
                channel="portal",
                user=membership.user,
                company=company,
                shipping_address=order_address_fields(ship_to),
                shipping_method_code="freight",
                payment_method="account",
            ),
        )

    first, second = at_once(accept_and_order, accept_and_order, what="ordering a quote")

    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert first.order.pk == second.order.pk == order.pk
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert [
        (x.quantity, str(x.unit_price_excl_tax), x.price_reason) for x in order.lines.all()
    ] == [(5, "14.00", f"Quote {quote.number}")]
    quote.refresh_from_db()
    assert (quote.status, quote.order_id) == ("ordered", order.pk)
    # One basket was made for the quote, and stock was allocated once.
    assert Basket.objects.filter(company=company, owner__isnull=True).count() == 1
    assert product.stockrecords.get().num_allocated == 5
    assert Quote.objects.get().events.filter(kind="ordered").count() == 1
