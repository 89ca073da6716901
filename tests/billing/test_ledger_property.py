"""Exposure is the sum of the ledger, and the ledger always agrees with the documents:
open on-account orders not yet invoiced + unpaid invoice balances."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce.billing import credit, payments
from commerce.billing.credit import CreditError
from commerce.billing.invoicing import credit_note_issue, invoice_for_shipped
from commerce.billing.models import Invoice
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order.exceptions import CheckoutError
from tests import factories
from tests.billing.conftest import place_on_account

events = st.lists(
    st.one_of(
        st.tuples(st.just("order"), st.sampled_from(["84.03", "168.07", "420.17", "840.34"])),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
        st.tuples(st.just("ship_part"), st.integers(0, 9)),
        st.tuples(st.just("ship_all"), st.integers(0, 9)),
        st.tuples(st.just("pay"), st.sampled_from(["1.00", "50.00", "333.33", "1000.00"])),
        st.tuples(st.just("credit_note"), st.sampled_from(["0.01", "10.00", "99.99"])),
        st.tuples(st.just("limit"), st.sampled_from(["500.00", "2500.00", "5000.00"])),
    ),
    min_size=1,
    max_size=12,
)


def documents_exposure(account) -> Decimal:
    from commerce.billing.credit import reserved_for
    from commerce.billing.models import LedgerEntry

    order_ids = LedgerEntry.objects.filter(account=account, kind="order_reserved").values_list(
        "order_id", flat=True
    )
    from oscar.core.loading import get_model

    on_order = sum(
        (reserved_for(o) for o in get_model("order", "Order").objects.filter(pk__in=order_ids)),
        Decimal("0"),
    )
    unpaid = sum((i.balance for i in Invoice.objects.filter(account=account)), Decimal("0"))
    return on_order + unpaid


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=events)
def test_ledger_equals_documents_after_any_sequence(sequence, settings):
    settings.DEFAULT_TAX_RATE = "0.19"
    company = factories.CompanyFactory()
    factories.CompanyAddressFactory(company=company, is_default=True)
    account = factories.credit_account(company, limit="5000.00")
    orders = []
    for kind, value in sequence:
        try:
            if kind == "order":
                orders.append(place_on_account(company, net_price=value, quantity=2))
            elif kind == "limit":
                credit.credit_set_terms(account=account, actor=None, credit_limit=Decimal(value))
            elif kind == "pay":
                payments.payment_record(
                    account=account,
                    amount=Decimal(value),
                    currency="EUR",
                    received_on=timezone.localdate(),
                    reference="P",
                )
            elif kind == "credit_note":
                invoice = Invoice.objects.filter(account=account).exclude(status="paid").first()
                if invoice is not None:
                    credit_note_issue(
                        invoice=invoice, amount=Decimal(value), reason="adjustment", actor=None
                    )
            elif orders:
                order = orders[value % len(orders)]
                order.refresh_from_db()
                if kind == "cancel":
                    order_set_status(order=order, status="Cancelled")
                elif kind == "ship_part":
                    order_ship(order=order, quantities={order.lines.get().pk: 1})
                    invoice_for_shipped(order_id=order.pk)
                else:
                    order_ship(order=order)
                    invoice_for_shipped(order_id=order.pk)
        except (CheckoutError, CreditError):
            pass  # refused moves must leave no trace; the invariant below checks that
        ledger = credit.exposure_of(account)
        assert ledger == documents_exposure(account)
        assert ledger == (account.ledger.aggregate(s=Sum("amount"))["s"] or 0)
        assert ledger >= 0
