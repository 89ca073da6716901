"""A shared storefront basket whose product stopped being sold on the storefront
cannot be paid: the payer is told which product and no order is made."""

import pytest
from oscar.core.loading import get_model

from tests.basket.test_sharing import (  # noqa: F401  (fixtures used by name)
    confirm_by_code,
    link,
    pay,
    products,
    requester,
    share_basket,
    storefront,
    teen,
)

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


def test_the_payer_cannot_pay_for_a_product_that_became_hidden(teen, products):  # noqa: F811
    share_basket(teen, message="")
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    products[0].channels = "portal"
    products[0].save(update_fields=["channels"])

    response = pay(parent, url)

    assert not Order.objects.exists()
    assert "Headphones: not available to your account." in response.content.decode()
