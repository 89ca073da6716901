"""The payer submitting twice at once, on PostgreSQL with real threads."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from oscar.core.loading import get_model

from commerce.basket import sharing
from tests import factories
from tests.helpers import ADDRESS, at_once

Basket = get_model("basket", "Basket")
BasketShare = get_model("basket", "BasketShare")
Order = get_model("order", "Order")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_payments_of_one_share_at_once_make_one_order_and_one_charge():
    country = factories.CountryFactory()
    requester = factories.UserFactory(email="teen@example.com")
    product = factories.ProductFactory(stock=5, stock__price="20.00")
    basket = Basket.objects.create(owner=requester, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = sharing._strategy(requester)
    basket.add_product(product, 2)
    share = sharing.basket_share(basket=basket, requester=requester, payer_email="p@example.com")
    address = {**ADDRESS, "country": country}
    barrier = threading.Barrier(2)
    orders, errors = [], []

    def pay():
        try:
            barrier.wait()
            orders.append(
                sharing.share_pay(
                    share=BasketShare.objects.get(pk=share.pk),
                    shipping_address=address,
                    shipping_method_code="standard",
                    card_token="tok_sandbox_approve",
                    expected_total=None,
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    assert Order.objects.count() == 1
    assert len({order.pk for order in orders}) == 1
    order = Order.objects.get()
    assert order.sources.get().amount_allocated == order.total_incl_tax
    assert BasketShare.objects.get(pk=share.pk).status == BasketShare.Status.PAID


@pytest.mark.parametrize("repeat", range(4))
def test_owner_cancelling_while_the_payer_pays_ends_one_way(repeat):
    """The requester withdraws the basket at the moment the payer submits: either
    the share is cancelled and no order exists, no money held, or the order is
    placed and the cancellation is refused. Never both, never a captured card
    on a cancelled share."""
    from commerce.basket.sharing.state import ShareError
    from commerce.payments.models import SandboxAuthorization

    country = factories.CountryFactory()
    requester = factories.UserFactory(email=f"teen{repeat}@example.com")
    product = factories.ProductFactory(stock=5, stock__price="20.00")
    basket = Basket.objects.create(owner=requester, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = sharing._strategy(requester)
    basket.add_product(product, 2)
    share = sharing.basket_share(basket=basket, requester=requester, payer_email="p@example.com")
    address = {**ADDRESS, "country": country}

    def pay():
        return sharing.share_pay(
            share=BasketShare.objects.get(pk=share.pk),
            shipping_address=address,
            shipping_method_code="standard",
            card_token="tok_sandbox_approve",
            expected_total=None,
        )

    def cancel():
        return sharing.share_cancel(share=BasketShare.objects.get(pk=share.pk), requester=requester)

    paid, cancelled = at_once(pay, cancel, expected=(ShareError,), what="pay against cancel")

    final = BasketShare.objects.get(pk=share.pk)
    if final.status == BasketShare.Status.PAID:
        assert isinstance(cancelled, ShareError), cancelled
        assert Order.objects.get().pk == paid.pk == final.order_id
    else:
        assert final.status == BasketShare.Status.CANCELLED
        assert isinstance(paid, ShareError), paid
        assert not Order.objects.exists()
        # The card held before the locked step was let go.
        assert not SandboxAuthorization.objects.filter(void=False, captured__gt=0).exists()
        assert Basket.objects.get(pk=basket.pk).status != Basket.FROZEN
