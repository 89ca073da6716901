"""Offer decisions raced on PostgreSQL threads: each race ends in one outcome."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.dealers import services
from commerce.dealers.exceptions import OfferClosed
from commerce.dealers.models import DealerOffer, DealerRouting, DealerStock
from pricing.strategy import Selector
from tests import factories
from tests.helpers import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")


def place(product):
    user = factories.UserFactory()
    basket = Basket.objects.create(owner=user, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    basket.add_product(product, 1)
    return order_place(
        basket=basket,
        request=CheckoutRequest(
            channel="storefront",
            user=user,
            shipping_address={
                "first_name": "Connie",
                "last_name": "Consumer",
                "line1": "Invalidenstr. 1",
                "line4": "Berlin",
                "postcode": "10115",
                "country": Country.objects.get(pk="DE"),
            },
            shipping_method_code="standard",
            payment_method="card",
            card_token="tok_sandbox_approve",
        ),
    ).order


def held(network):
    return {
        name: DealerStock.objects.get(dealer=network[name], product=network["bike"]).num_allocated
        for name in ("best", "second")
    }


def test_accept_racing_the_lapse_ends_in_one_outcome(network):
    order = place(network["bike"])
    offer = DealerOffer.objects.get(order=order)
    after_deadline = offer.deadline + timedelta(seconds=1)

    accepted, lapsed = at_once(
        lambda: services.dealer_offer_accept(order=order, dealer=network["best"]),
        lambda: services.dealer_offer_lapse(offer_id=offer.pk, now=after_deadline),
        expected=(OfferClosed,),
        what="accept vs lapse",
    )

    routing = DealerRouting.objects.get(order=order)
    offer.refresh_from_db()
    if isinstance(accepted, OfferClosed):
        assert lapsed is True
        assert offer.status == "lapsed"
        assert (routing.dealer_id, routing.status) == (network["second"].pk, "offered")
        assert held(network) == {"best": 0, "second": 1}
    else:
        assert lapsed is False
        assert offer.status == "accepted"
        assert (routing.dealer_id, routing.status) == (network["best"].pk, "accepted")
        assert held(network) == {"best": 1, "second": 0}
    assert DealerOffer.objects.filter(order=order, status="offered").count() <= 1


def test_two_reroutes_at_once_reroute_once(network):
    order = place(network["bike"])
    offer = DealerOffer.objects.get(order=order)
    later = timezone.now() + timedelta(days=2)

    first, second = at_once(
        lambda: services.dealer_offer_lapse(offer_id=offer.pk, now=later),
        lambda: services.dealer_offer_lapse(offer_id=offer.pk, now=later),
        what="two lapses",
    )

    assert sorted([first, second]) == [False, True]
    routing = DealerRouting.objects.get(order=order)
    assert (routing.dealer_id, routing.status) == (network["second"].pk, "offered")
    assert routing.declined == [network["best"].pk]
    assert list(
        DealerOffer.objects.filter(order=order).order_by("pk").values_list("dealer_id", "status")
    ) == [(network["best"].pk, "lapsed"), (network["second"].pk, "offered")]
    assert held(network) == {"best": 0, "second": 1}


def test_reject_racing_the_lapse_reroutes_once(network):
    order = place(network["bike"])
    offer = DealerOffer.objects.get(order=order)
    later = offer.deadline + timedelta(seconds=1)

    rejected, lapsed = at_once(
        lambda: services.dealer_offer_reject(order=order, dealer=network["best"], reason="busy"),
        lambda: services.dealer_offer_lapse(offer_id=offer.pk, now=later),
        expected=(OfferClosed,),
        what="reject vs lapse",
    )

    assert isinstance(rejected, OfferClosed) != (lapsed is False)
    assert DealerOffer.objects.filter(order=order).count() == 2
    assert DealerRouting.objects.get(order=order).dealer_id == network["second"].pk
    assert held(network) == {"best": 0, "second": 1}
