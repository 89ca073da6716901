"""The members' shop in the browser: an invited consumer joins through the
emailed link and buys an early-access product the public cannot see yet."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.members import services
from commerce.members.models import Drop, Segment
from tests import factories
from tests.browser.steps import address_and_card, storefront_sign_in

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invited_consumer_joins_and_buys_from_the_early_access_drop(page, site_urls):
    base = site_urls["storefront"]
    factories.CountryFactory()
    segment = Segment.objects.create(name="Insiders", slug="insiders")
    product = factories.ProductFactory(title="Aurora limited parka", stock__price="80.00")
    drop = Drop.objects.create(
        name="Aurora",
        segment=segment,
        members_from=timezone.now() - timedelta(hours=1),
        public_from=timezone.now() + timedelta(days=7),
    )
    drop.products.add(product)
    link = services.invitation_url(
        services.invitation_create(segment=segment, actor=factories.StaffFactory())
    )
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    user = factories.UserFactory()

    storefront_sign_in(page, base, user)
    response = page.goto(base + product.get_absolute_url())
    assert response.status == 404  # not a member yet

    page.goto(base + path)
    page.click("#join_submit")
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/shipping-address/")
    address_and_card(page, name=("Ines", "Insider"), line1="3 Test Street")
    page.wait_for_url("**/preview/")
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")

    order = Order.objects.get()
    assert (order.user, [line.product_id for line in order.lines.all()]) == (user, [product.pk])
