"""Which orders need approval: each rule type, tiers, monthly budgets."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals import rules as approval_rules
from commerce.approvals.models import ApprovalRequest
from commerce.order import status as order_status
from tests import factories
from tests.approvals.conftest import place, rule

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def test_an_order_matching_no_rule_is_placed_directly(company, people):
    rule(company, "order_total", "1000.00")
    order = place(company, people["buyer"].user, net="999.99")
    assert order.status == order_status.PLACED
    assert not ApprovalRequest.objects.exists()


def test_an_order_above_the_company_threshold_waits_for_one_approval(company, people):
    rule(company, "order_total", "1000.00")
    product = factories.ProductFactory(stock=10, stock__price="600.00")

    order = place(company, people["buyer"].user, product=product, quantity=2)

    assert order.status == order_status.PENDING_APPROVAL
    request = order.approval
    assert request.approvals_required == 1
    assert request.requested_by == people["buyer"].user
    assert [r["kind"] for r in request.reasons] == ["order_total"]
    assert "1,000.00 order threshold" in request.reasons[0]["message"]
    # Stock and credit are held while it waits; nothing is captured.
    assert StockRecord.objects.get(product=product).num_allocated == 2
    assert order.lines.get().status == order_status.PENDING_APPROVAL


def test_a_buyers_order_limit_applies_to_that_buyer_only(company, people):
    rule(company, "buyer_order_limit", "200.00", member=people["buyer"])

    mine = place(company, people["buyer"].user, net="250.00")
    theirs = place(company, people["approver"].user, net="250.00")

    assert mine.status == order_status.PENDING_APPROVAL
    assert "over your" in mine.approval.reasons[0]["message"]
    assert theirs.status == order_status.PLACED


def test_orders_with_products_from_a_chosen_category_or_below_need_approval(company, people):
    tools = factories.make_category("Power tools")
    drills = factories.make_category("Drills", parent=tools)
    rule_ = rule(company, "category")
    rule_.categories.set([tools])
    drill = factories.ProductFactory(stock=10, stock__price="10.00", category=drills)
    paper = factories.ProductFactory(stock=10, stock__price="10.00")

    flagged = place(company, people["buyer"].user, product=drill)
    fine = place(company, people["buyer"].user, product=paper)

    assert flagged.status == order_status.PENDING_APPROVAL
    assert flagged.approval.reasons[0]["message"] == "contains products from Power tools"
    assert fine.status == order_status.PLACED


def test_all_orders_of_a_named_member_need_approval(company, people):
    rule(company, "member", member=people["buyer"])

    assert place(company, people["buyer"].user, net="1.00").status == order_status.PENDING_APPROVAL
    assert place(company, people["admin"].user, net="1.00").status == order_status.PLACED


def test_above_the_second_threshold_two_approvals_are_required(company, people):
    rule(company, "order_total", "1000.00", two_approvals_over=Decimal("10000.00"))

    small = place(company, people["buyer"].user, net="5000.00")
    large = place(company, people["buyer"].user, net="10000.01")

    assert small.approval.approvals_required == 1
    assert large.approval.approvals_required == 2


def test_the_strictest_matching_rule_sets_the_number_of_approvals(company, people):
    rule(company, "member", member=people["buyer"])
    rule(company, "order_total", "100.00", two_approvals_over=Decimal("500.00"))

    order = place(company, people["buyer"].user, net="600.00")

    assert order.approval.approvals_required == 2
    assert {r["kind"] for r in order.approval.reasons} == {"member", "order_total"}


def test_rules_of_another_company_do_not_apply(company, people):
    other = factories.CompanyFactory(name="Globex")
    rule(other, "order_total", "1.00")
    assert place(company, people["buyer"].user, net="50.00").status == order_status.PLACED


def test_inactive_rules_do_not_apply(company, people):
    rule(company, "order_total", "1.00", is_active=False)
    assert place(company, people["buyer"].user, net="50.00").status == order_status.PLACED


# --- monthly budget ------------------------------------------------------------------------


def test_the_monthly_budget_counts_this_months_orders_including_pending_ones(company, people):
    buyer = people["buyer"]
    rule(company, "buyer_monthly_budget", "1000.00", member=buyer)

    first = place(company, buyer.user, net="600.00")
    second = place(company, buyer.user, net="300.00")
    third = place(company, buyer.user, net="200.00")  # 1,100 > 1,000

    assert first.status == second.status == order_status.PLACED
    assert third.status == order_status.PENDING_APPROVAL
    assert "900.00 already this month" in third.approval.reasons[0]["message"]
    # The pending order counts against the budget too.
    assert approval_rules.month_spend(buyer) == Decimal("1100.00")
    assert place(company, buyer.user, net="1.00").status == order_status.PENDING_APPROVAL


def test_rejected_and_cancelled_orders_do_not_use_the_budget(company, people):
    buyer = people["buyer"]
    rule(company, "buyer_monthly_budget", "1000.00", member=buyer)
    order = place(company, buyer.user, net="900.00")
    Order.objects.filter(pk=order.pk).update(status=order_status.CANCELLED)

    assert approval_rules.month_spend(buyer) == Decimal("0.00")
    assert place(company, buyer.user, net="900.00").status == order_status.PLACED


def test_the_budget_starts_again_each_calendar_month(company, people, settings):
    buyer = people["buyer"]
    rule(company, "buyer_monthly_budget", "1000.00", member=buyer)
    tz = ZoneInfo(settings.TIME_ZONE)
    last_day = datetime(2026, 10, 31, 23, 30, tzinfo=tz)
    first_day = datetime(2026, 11, 1, 0, 30, tzinfo=tz)
    october = place(company, buyer.user, net="950.00")
    Order.objects.filter(pk=october.pk).update(date_placed=last_day)

    # On 31 October the 950 counts; on 1 November the month is new.
    assert approval_rules.month_spend(buyer, at=last_day) == Decimal("950.00")
    assert approval_rules.month_spend(buyer, at=first_day) == Decimal("0.00")
    november = approval_rules.evaluate(
        company=company, membership=buyer, total_net=Decimal("900.00"), product_ids=[], at=first_day
    )
    october_more = approval_rules.evaluate(
        company=company, membership=buyer, total_net=Decimal("100.00"), product_ids=[], at=last_day
    )
    assert not november.required
    assert october_more.required


def test_only_the_buyers_own_orders_for_this_company_use_the_budget(company, people):
    buyer = people["buyer"]
    rule(company, "buyer_monthly_budget", "100.00", member=buyer)
    place(company, people["approver"].user, net="500.00")  # someone else's
    other = factories.CompanyFactory(name="Globex")
    factories.MembershipFactory(company=other, user=buyer.user, role="buyer")
    factories.CompanyAddressFactory(company=other, is_default=True)
    factories.credit_account(other)
    place(other, buyer.user, net="500.00")  # the same person, another company

    assert approval_rules.month_spend(buyer) == Decimal("0.00")
    assert place(company, buyer.user, net="90.00").status == order_status.PLACED


def test_month_spend_is_money(company, people):
    buyer = people["buyer"]
    for _ in range(3):
        place(company, buyer.user, net="0.10")
    spent = approval_rules.month_spend(buyer, at=timezone.now())
    assert spent == Decimal("0.30") and spent.as_tuple().exponent == -2
