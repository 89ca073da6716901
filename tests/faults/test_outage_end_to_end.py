"""Redis stops in the middle of a business day and comes back: orders on both
sites, approval decisions and a bulk shipment go on during the outage, the
outbox relays what waited, and afterwards every order was captured, invoiced,
voided and emailed exactly once, every credit ledger matches its exposure,
and no request answered 500."""

import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.approvals.services import approval_decide
from commerce.billing import credit
from commerce.billing.models import CreditAccount, Invoice
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order import status as order_status
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_relay
from commerce.payments.models import SandboxAuthorization
from tests import factories
from tests.helpers import checkout_basket, place_portal_order

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")
CommunicationEvent = get_model("order", "CommunicationEvent")

CARD = {"payment": "card", "card_token": "tok_sandbox_approve"}

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Day:
    """The shop, its clients, and every status code any of them received."""

    def __init__(self, product):
        self.product = product
        self.codes: list[tuple[str, int]] = []

    def storefront_order(self):
        client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
        client.force_login(factories.UserFactory())
        self._record("basket add", client.post(f"/basket/add/{self.product.pk}/", {"quantity": 1}))
        self._record("storefront checkout", checkout_basket(client))

    def portal_order(self, buyer):
        client = Client(HTTP_HOST=settings.PORTAL_HOST)
        client.force_login(buyer)
        self._record("basket add", client.post(f"/basket/add/{self.product.pk}/", {"quantity": 2}))
        self._record("portal checkout", checkout_basket(client))

    def _record(self, what, response):
        self.codes.append((what, response.status_code))


def relay_until_done(rounds=200):
    """Relay until every row is done. A commit's nudge may be relaying on its own
    thread meanwhile, and may put a row it failed back on a backoff after this
    loop made it due: so the loop ends when nothing is left, not when one pass
    found nothing due."""
    for _ in range(rounds):
        # Backoff elapses: whatever failed is due again.
        OutboxMessage.objects.filter(status__in=("pending", "failed")).update(
            next_attempt_at=timezone.now()
        )
        if outbox_relay().claimed:
            continue
        if not OutboxMessage.objects.exclude(status="done").exists():
            return
        time.sleep(0.1)
    left = OutboxMessage.objects.exclude(status="done").values_list(
        "topic", "status", "attempts", "last_error"
    )
    raise AssertionError(f"the outbox never drained: {list(left)}")


def test_an_outage_loses_no_side_effect(settings, redis_cache):
    settings.OUTBOX_INLINE = False  # delivered only when the relay runs
    factories.CountryFactory()
    product = factories.ProductFactory(title="Hex bolt M8", stock=1000, stock__price="10.00")
    acme = factories.business("Acme Industrial")
    acme_buyer = factories.MembershipFactory(company=acme, role="buyer").user
    ruled = factories.business("Ruled Works")
    ApprovalRule.objects.create(company=ruled, kind="order_total", amount="1.00")
    ruled_buyer = factories.MembershipFactory(company=ruled, role="buyer").user
    approver = factories.MembershipFactory(company=ruled, role="approver").user
    day = Day(product)

    # Before the outage.
    for _ in range(2):
        day.storefront_order()
        day.portal_order(acme_buyer)
    to_reject = place_portal_order(ruled, ruled_buyer, product, 1, **CARD).order
    to_approve = place_portal_order(ruled, ruled_buyer, product, 1, **CARD).order
    on_account_pending = place_portal_order(ruled, ruled_buyer, product, 1).order
    outbox_relay()
    assert redis_cache.client().dbsize() > 0  # the cache was in use

    redis_cache.stop()
    for _ in range(2):
        day.storefront_order()
        day.portal_order(acme_buyer)
    assert {o.status for o in (to_reject, to_approve, on_account_pending)} == {
        order_status.PENDING_APPROVAL
    }
    approval_decide(request=to_reject.approval, approver=approver, decision="reject", comment="no")
    approval_decide(request=to_approve.approval, approver=approver, decision="approve", comment="")
    approval_decide(
        request=on_account_pending.approval, approver=approver, decision="approve", comment=""
    )
    # A bulk shipment: half by status change, half by the shipping service.
    shippable = list(
        Order.objects.filter(status=order_status.PLACED).order_by("pk").values_list("pk", flat=True)
    )
    assert len(shippable) >= 8
    for n, pk in enumerate(shippable[:6]):
        order = Order.objects.get(pk=pk)
        if n % 2:
            order_ship(order=order)
        else:
            order_set_status(order=order, status=order_status.SHIPPED)
    outbox_relay()  # some handlers may fail while Redis is down: they are retried

    redis_cache.start()
    day.storefront_order()
    relay_until_done()

    assert [c for c in day.codes if c[1] >= 500] == []
    assert {code for _, code in day.codes} == {302}, day.codes

    orders = list(Order.objects.all())
    assert len(orders) == 12  # 4 before, 3 to decide, 4 during, 1 after
    assert not OutboxMessage.objects.exclude(status="done").exists()

    for order in orders:
        placed_emails = CommunicationEvent.objects.filter(
            order=order, event_type__code="ORDER_PLACED"
        ).count()
        assert placed_emails == 1, order.number
        card = Source.objects.filter(order=order, source_type__code="card").first()
        if order.status == order_status.REJECTED:
            assert card is not None
            hold = SandboxAuthorization.objects.get(authorization_id=card.reference)
            assert (hold.void, hold.captured) == (True, Decimal("0.00"))
            assert [e.event_type.name for e in order.payment_events.all()] == ["Voided"]
        elif card is not None:
            assert card.amount_debited == order.total_incl_tax, order.number
            assert PaymentEvent.objects.filter(order=order, event_type__name="Paid").count() == 1
            hold = SandboxAuthorization.objects.get(authorization_id=card.reference)
            assert hold.captured == order.total_incl_tax
        else:
            invoices = Invoice.objects.filter(order=order).count()
            assert invoices == (1 if order.status == order_status.SHIPPED else 0), order.number
    shipped = [o for o in orders if o.status == order_status.SHIPPED]
    assert len(shipped) == 6
    assert len(mail.outbox) >= len(orders)  # placed emails, shipped emails

    accounts = list(CreditAccount.objects.select_related("company"))
    standings = credit.standings(accounts)
    for account in accounts:
        ledger = sum((e.amount for e in account.ledger.all()), Decimal("0.00"))
        assert standings[account.pk].exposure == ledger
        open_orders = Order.objects.filter(
            company=account.company, payment_method="account"
        ).exclude(status__in=(order_status.REJECTED, order_status.CANCELLED))
        assert ledger == sum((o.total_incl_tax for o in open_orders), Decimal("0.00"))
