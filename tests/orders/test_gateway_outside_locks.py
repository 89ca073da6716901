"""The card is authorized outside any transaction: a slow gateway holds no
row lock, and every path that does not end in an order voids the hold."""

import time

import pytest
from django.db import connection, transaction
from oscar.core.loading import get_model

from commerce.checkout import placement
from commerce.order.exceptions import OutOfStock
from commerce.payments.gateway import get_gateway
from commerce.payments.models import SandboxAuthorization
from tests import factories
from tests.helpers import at_once, place_portal_order

Order = get_model("order", "Order")
CARD = {"payment": "card", "card_token": "tok_sandbox_approve"}
Source = get_model("payment", "Source")


@pytest.fixture
def authorizations(monkeypatch):
    """Every authorization the sandbox gives, and whether its caller was inside
    a transaction while waiting for the gateway."""
    seen = []
    gateway_class = type(get_gateway())
    real = gateway_class.authorize

    def spy(self, **kwargs):
        in_transaction = connection.in_atomic_block
        authorization = real(self, **kwargs)
        seen.append((authorization, in_transaction))
        return authorization

    monkeypatch.setattr(gateway_class, "authorize", spy)
    return seen


def voided(authorization) -> bool:
    return SandboxAuthorization.objects.get(authorization_id=authorization.id).void


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_slow_card_does_not_hold_up_another_buyer_of_the_same_company(settings, authorizations):
    settings.SANDBOX_SLOW_CARD_MS = 2000
    company = factories.business("Acme Industrial")
    one, two = (factories.MembershipFactory(company=company).user for _ in range(2))
    product = factories.ProductFactory(stock=10)

    def other_buyer():
        time.sleep(0.3)  # while the first buyer's gateway is still thinking
        started = time.monotonic()
        place_portal_order(company, two, product, 1)
        return time.monotonic() - started

    started = time.monotonic()
    slow, other = at_once(
        lambda: place_portal_order(
            company, one, product, 1, payment="card", card_token="tok_sandbox_slow"
        ),
        other_buyer,
    )

    assert time.monotonic() - started >= 2.0  # the gateway really took its time
    assert other < 1.0, f"the on-account order waited {other:.2f}s"
    [(authorization, in_transaction)] = authorizations
    assert in_transaction is False
    assert slow.order.sources.get().reference == authorization.id
    assert not voided(authorization)
    assert Order.objects.count() == 2


def test_a_card_checkout_inside_a_callers_transaction_is_refused_before_any_hold(
    db, authorizations
):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)

    with pytest.raises(RuntimeError, match=r"outside transaction\.atomic"):
        with transaction.atomic():
            place_portal_order(
                company, buyer, product, 1, payment="card", card_token="tok_sandbox_approve"
            )

    assert authorizations == []
    assert not Order.objects.exists()


def test_a_failure_in_the_locked_step_voids_the_hold(db, authorizations, monkeypatch):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)

    def sold_out(lines):
        raise OutOfStock([("Thing", 1, 0)])

    monkeypatch.setattr(placement.stock, "route_lines", sold_out)
    with pytest.raises(OutOfStock):
        place_portal_order(
            company, buyer, product, 1, payment="card", card_token="tok_sandbox_approve"
        )

    [(authorization, _)] = authorizations
    assert voided(authorization)
    assert not Order.objects.exists()


def test_a_price_moved_between_authorization_and_placement_voids_the_hold(
    db, authorizations, monkeypatch
):
    from commerce.order.exceptions import PriceChanged

    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10, stock__price="10.00")
    real_authorize = placement.payments.payment_authorize

    def authorize_then_reprice(**kwargs):
        authorization = real_authorize(**kwargs)
        product.stockrecords.update(price="12.00")
        return authorization

    monkeypatch.setattr(placement.payments, "payment_authorize", authorize_then_reprice)
    with pytest.raises(PriceChanged):
        place_portal_order(
            company, buyer, product, 1, payment="card", card_token="tok_sandbox_approve"
        )

    [(authorization, _)] = authorizations
    assert voided(authorization)
    assert not Order.objects.exists()


def test_a_replayed_submission_voids_its_own_hold(db, authorizations, monkeypatch):
    # A second submission authorizes while the first one is placing; when it
    # gets the basket, the order exists: its hold is released, the first kept.
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)
    first = place_portal_order(
        company, buyer, product, 1, payment="card", card_token="tok_sandbox_approve"
    )
    preview = placement._preview
    monkeypatch.setattr(
        placement, "_preview", lambda *args: placement._Preview(number="X", total=first.order)
    )
    monkeypatch.setattr(
        placement, "_place_locked", lambda *args: placement.Placement(first.order, replayed=True)
    )
    first.order.incl_tax = first.order.total_incl_tax
    again = placement.order_place(
        basket=first.order.basket,
        request=placement.CheckoutRequest(
            channel="portal",
            user=buyer,
            company=company,
            shipping_address={},
            shipping_method_code="freight",
            payment_method="card",
            card_token="tok_sandbox_approve",
        ),
    )
    monkeypatch.setattr(placement, "_preview", preview)

    assert again.replayed and again.order == first.order
    (kept, _), (second, _) = authorizations
    assert not voided(kept)
    assert voided(second)


def test_rejecting_an_order_releases_its_card_hold_even_when_the_gateway_blinks(
    db, authorizations, monkeypatch, committed
):
    from django.utils import timezone

    from commerce.approvals.models import ApprovalRule
    from commerce.approvals.services import approval_decide
    from commerce.order.handlers import TOPIC_RELEASE
    from commerce.outbox.models import OutboxMessage
    from commerce.outbox.services import outbox_relay
    from commerce.payments.gateway import PaymentUnavailable

    company = factories.business("Acme Industrial")
    ApprovalRule.objects.create(company=company, kind="order_total", amount="1.00")
    buyer = factories.MembershipFactory(company=company).user
    approver = factories.MembershipFactory(company=company, role="approver").user
    with committed():
        order = place_portal_order(
            company, buyer, factories.ProductFactory(stock=5), 1, **CARD
        ).order
    assert order.status == "Pending approval"
    gateway_class = type(get_gateway())
    real_void, calls = gateway_class.void, []

    def blinking_void(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise PaymentUnavailable("The payment provider did not answer in time.")
        return real_void(self, **kwargs)

    monkeypatch.setattr(gateway_class, "void", blinking_void)

    with committed():
        approval_decide(request=order.approval, approver=approver, decision="reject", comment="no")
    # The release is an outbox row: the blink leaves it waiting for a retry...
    release = OutboxMessage.objects.get(topic=TOPIC_RELEASE)
    assert (release.status, len(calls)) == ("failed", 1)
    # ...which the relay delivers once it is due.
    OutboxMessage.objects.filter(pk=release.pk).update(next_attempt_at=timezone.now())
    outbox_relay()

    release.refresh_from_db()
    assert release.status == "done"
    [(authorization, _)] = authorizations
    assert len(calls) == 2
    assert voided(authorization)
    assert order.payment_events.get().event_type.name == "Voided"
