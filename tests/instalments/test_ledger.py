"""Hypothesis: over any sequence of collections and payoffs, the credit ledger
equals what the plans still owe."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.models import LedgerEntry
from commerce.instalments import services
from commerce.instalments.models import Instalment, InstalmentPlan
from tests.api.conftest import storefront_api
from tests.instalments.conftest import fill, instalments_body

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("collect"), st.integers(min_value=0, max_value=400)),
        st.tuples(st.just("payoff"), st.integers(min_value=0, max_value=1)),
        st.tuples(st.just("decline"), st.integers(min_value=0, max_value=1)),
    ),
    max_size=6,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(counts=st.lists(st.sampled_from([3, 6, 12]), min_size=1, max_size=2), actions=steps)
def test_ledger_equals_what_the_plans_still_owe(gold, eligible, counts, actions):
    sid = transaction.savepoint()
    try:
        client = storefront_api(gold)
        for count in counts:
            fill(client, eligible)
            response = client.post("/api/checkout/", instalments_body(count), format="json")
            assert response.status_code == 201, response.content
        plans = list(InstalmentPlan.objects.order_by("pk"))
        account = plans[0].account
        today = timezone.localdate()
        for action, value in actions:
            plan = plans[value % len(plans)]
            if action == "collect":
                services.instalments_collect(today=today + timedelta(days=value))
            elif action == "decline":
                InstalmentPlan.objects.filter(pk=plan.pk).update(
                    card_token="tok_sandbox_decline_0002_x"
                )
            else:
                plan.refresh_from_db()
                if services.outstanding(plan):
                    try:
                        services.plan_pay_off(plan=plan, user=gold)
                    except Exception as error:  # a declined card changes nothing
                        assert "declined" in str(error).lower()
        owed = sum((services.outstanding(p) for p in plans), Decimal("0.00"))
        exposure = credit.exposure_of(account)
        assert exposure == owed
        assert exposure >= 0
        for plan in plans:
            parts = list(plan.instalments.values_list("amount", flat=True))
            assert sum(parts) == plan.total
            paid = plan.instalments.filter(status=Instalment.Status.PAID)
            assert paid.filter(number=1).exists()
        assert LedgerEntry.objects.filter(account=account).count() >= len(plans)
    finally:
        transaction.savepoint_rollback(sid)
