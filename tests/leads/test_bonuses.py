"""Partner bonuses against hand-computed figures on the analytics data set
(November 2026), posted once per month into the dealer ledger and shown on the
settlement statement line by line."""

from datetime import date
from decimal import Decimal

import pytest

from commerce.dealers.models import DealerLedgerEntry
from commerce.dealers.selectors import settlement
from commerce.leads import bonuses
from commerce.leads.models import BonusLine, DealerPartner, PartnerTier
from tests.leads.test_analytics import data  # noqa: F401  (the fixed data set)

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def tiers(data):  # noqa: F811
    gold = PartnerTier.objects.create(
        code="gold",
        name="Gold",
        over_plan_percent=Decimal("5.00"),
        per_satisfied_order=Decimal("25.00"),
        promotion_budget=Decimal("300.00"),
        promotion_min_attainment=Decimal("0.90"),
    )
    silver = PartnerTier.objects.create(
        code="silver",
        name="Silver",
        over_plan_percent=Decimal("10.00"),
        promotion_budget=Decimal("100.00"),
        promotion_min_attainment=Decimal("0.50"),
    )
    DealerPartner.objects.create(dealer=data["best"], tier=gold)
    DealerPartner.objects.create(dealer=data["second"], tier=silver)
    return data


def test_the_pure_rules_by_hand():
    tier = PartnerTier(
        over_plan_percent=Decimal("5.00"),
        per_satisfied_order=Decimal("25.00"),
        promotion_budget=Decimal("300.00"),
        promotion_min_attainment=Decimal("0.90"),
    )
    lines = bonuses.bonus_lines(
        tier=tier, actual=Decimal("1700.00"), plan=Decimal("1500.00"), satisfied=2
    )
    assert [(line.kind, line.amount) for line in lines] == [
        ("over_plan", Decimal("10.00")),  # 5 % of (1700 - 1500)
        ("satisfied", Decimal("50.00")),  # 2 x 25
        ("promotion", Decimal("300.00")),  # 1700 / 1500 = 113 % >= 90 %
    ]
    assert "5.00% of 200.00 over plan" in lines[0].explanation
    under = bonuses.bonus_lines(
        tier=tier, actual=Decimal("1300.00"), plan=Decimal("1500.00"), satisfied=0
    )
    assert under == []  # below plan, 87 % < 90 %, nobody satisfied
    odd = bonuses.bonus_lines(
        tier=tier, actual=Decimal("1500.07"), plan=Decimal("1500.00"), satisfied=0
    )
    assert [line.kind for line in odd] == ["promotion"]  # 5 % of 0.07 rounds to nothing


def test_november_is_posted_once_and_shown_on_the_statement(tiers):
    assert bonuses.bonuses_post_month(NOVEMBER) == 3
    assert bonuses.bonuses_post_month(NOVEMBER) == 0  # idempotent per month
    best = tiers["best"]
    lines = {b.kind: b.amount for b in BonusLine.objects.filter(dealer=best, month=NOVEMBER)}
    assert lines == {
        "over_plan": Decimal("10.00"),
        "satisfied": Decimal("50.00"),
        "promotion": Decimal("300.00"),
    }
    # Silver: no plan for the second dealer -> no over-plan share, no promotion budget.
    assert not BonusLine.objects.filter(dealer=tiers["second"]).exists()
    entries = DealerLedgerEntry.objects.filter(dealer=best, kind="bonus")
    assert sum(e.amount for e in entries) == Decimal("360.00")
    today = entries.first().created_at
    statement = settlement(best, today.year, today.month)
    memos = [e.memo for e in statement["entries"]]
    assert any(m.startswith("Partner bonus 2026-11: 5.00% of 200.00 over plan") for m in memos)
    assert any("2 satisfied orders/leads x 25.00 = 50.00" in m for m in memos)
    assert statement["closing"] - statement["opening"] == Decimal("360.00")
