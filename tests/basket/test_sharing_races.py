"""The payer submitting twice at once, on PostgreSQL with real threads."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from oscar.core.loading import get_model

from commerce.basket import sharing
from tests import factories
from tests.helpers import ADDRESS

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
