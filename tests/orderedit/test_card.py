"""An edited card order: the authorisation follows the new total (sandbox gateway)."""

from decimal import Decimal

import pytest

from commerce.orderedit.exceptions import CardNeeded
from commerce.payments.models import SandboxAuthorization
from tests import helpers

from .conftest import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(db, bolts):
    from tests import factories

    consumer = factories.UserFactory(email="eve@example.com")
    return helpers.place_storefront_order(consumer, bolts, 2).order


def hold(order):
    source = order.sources.get()
    return source, SandboxAuthorization.objects.get(authorization_id=source.reference)


def test_a_lower_total_lowers_what_will_be_captured(card_order, clerk):
    source, before = hold(card_order)

    result = edit(card_order, clerk, lines={card_order.lines.get().pk: 1})

    source.refresh_from_db()
    card_order.refresh_from_db()
    assert result.payment == "lowered"
    assert source.amount_allocated == card_order.total_incl_tax < before.amount
    assert source.reference == before.authorization_id


def test_a_higher_total_needs_the_card_and_replaces_the_hold(card_order, clerk, committed):
    source, old = hold(card_order)
    line = card_order.lines.get().pk
    with pytest.raises(CardNeeded):
        edit(card_order, clerk, lines={line: 4})
    assert SandboxAuthorization.objects.count() == 1

    with committed():
        result = edit(card_order, clerk, lines={line: 4}, card_token="tok_sandbox_approve")

    source.refresh_from_db()
    card_order.refresh_from_db()
    new = SandboxAuthorization.objects.get(authorization_id=source.reference)
    old.refresh_from_db()
    assert result.payment == "reauthorized"
    assert new.amount == card_order.total_incl_tax == source.amount_allocated
    assert old.void is True and new.void is False


def test_a_declined_card_changes_nothing(card_order, clerk):
    source, old = hold(card_order)

    with pytest.raises(Exception) as error:
        edit(
            card_order,
            clerk,
            lines={card_order.lines.get().pk: 4},
            card_token="tok_sandbox_decline",
        )

    assert error.value.code == "payment_declined"
    source.refresh_from_db()
    assert (source.reference, card_order.lines.get().quantity) == (old.authorization_id, 2)


def test_a_captured_payment_is_refunded_the_difference(card_order, clerk, committed):
    from commerce.payments.services import payment_capture

    payment_capture(order=card_order)
    _source, auth = hold(card_order)
    before = card_order.total_incl_tax

    with committed():
        result = edit(card_order, clerk, lines={card_order.lines.get().pk: 1})

    card_order.refresh_from_db()
    auth.refresh_from_db()
    assert result.payment == "refund"
    assert auth.refunded == before - card_order.total_incl_tax > Decimal("0")


def test_a_consumer_order_goes_to_another_address_of_their_own_book(card_order, clerk):
    from oscar.core.loading import get_model

    from commerce.orderedit.exceptions import EditInvalid
    from tests import factories

    UserAddress = get_model("address", "UserAddress")
    country = factories.CountryFactory()
    mine = UserAddress.objects.create(
        user=card_order.user,
        first_name="Eve",
        last_name="Ng",
        line1="9 Elm St",
        line4="Hamburg",
        postcode="20095",
        country=country,
    )
    theirs = UserAddress.objects.create(
        user=factories.UserFactory(),
        first_name="Mal",
        last_name="Lory",
        line1="1 Other Rd",
        line4="Bonn",
        postcode="53111",
        country=country,
    )

    with pytest.raises(EditInvalid):
        edit(card_order, clerk, ship_to=theirs.pk)
    edit(card_order, clerk, ship_to=mine.pk)

    card_order.refresh_from_db()
    assert card_order.shipping_address.line1 == "9 Elm St"
