"""Consumer loyalty tiers: recomputed from 12 months of storefront orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.loyalty import loyalty_recompute
from accounts.models import CustomerLoyalty, LoyaltyTier
from accounts.tasks import recompute_loyalty_tiers
from commerce.payments.services import REFUND_EVENT
from tests import factories

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers():
    return {
        "member": LoyaltyTier.objects.create(name="Member", code="member", rank=0),
        "silver": LoyaltyTier.objects.create(
            name="Silver",
            code="silver",
            rank=1,
            discount_percent=3,
            min_spend=250,
            min_orders=3,
            max_return_rate=Decimal("0.2"),
        ),
        "gold": LoyaltyTier.objects.create(
            name="Gold",
            code="gold",
            rank=2,
            discount_percent=5,
            min_spend=1000,
            min_orders=6,
            max_return_rate=Decimal("0.1"),
        ),
    }


def order(user, total, days_ago=10, site_id=None, status="Completed", number=[0]):  # noqa: B006
    number[0] += 1
    return Order.objects.create(
        number=f"T{number[0]}",
        site_id=site_id or settings.STOREFRONT_SITE_ID,
        user=user,
        total_incl_tax=Decimal(total),
        total_excl_tax=Decimal(total),
        status=status,
        date_placed=timezone.now() - timedelta(days=days_ago),
    )


def tier_of(user):
    row = CustomerLoyalty.objects.filter(user=user).select_related("tier").first()
    return row.tier.code if row and row.tier else None


def test_spend_and_frequency_decide_the_tier(tiers):
    gold, silver, member = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    for _ in range(6):
        order(gold, "200.00")
    for _ in range(3):
        order(silver, "100.00")
    order(member, "20.00")

    counts = loyalty_recompute()

    assert (tier_of(gold), tier_of(silver), tier_of(member)) == ("gold", "silver", "member")
    assert counts["up"] == 3


def test_only_the_last_twelve_months_of_storefront_orders_count(tiers):
    user = factories.UserFactory()
    for _ in range(6):
        order(user, "200.00", days_ago=400)
    for _ in range(6):
        order(user, "200.00", site_id=settings.PORTAL_SITE_ID)
    order(user, "5000.00", status="Cancelled")

    loyalty_recompute()

    assert not CustomerLoyalty.objects.filter(user=user).exists()  # nothing that counts


def test_a_high_return_rate_holds_a_consumer_back(tiers):
    user = factories.UserFactory()
    orders = [order(user, "200.00") for _ in range(6)]
    refund = PaymentEventType.objects.create(name=REFUND_EVENT)
    PaymentEvent.objects.create(order=orders[0], amount=Decimal("200.00"), event_type=refund)

    loyalty_recompute()

    row = CustomerLoyalty.objects.get(user=user)
    assert row.return_rate == Decimal("0.1667")
    assert row.tier.code == "silver"  # gold allows at most 10 % returns


def test_tiers_go_down_as_well_as_up(tiers):
    user = factories.UserFactory()
    CustomerLoyalty.objects.create(user=user, tier=tiers["gold"])

    counts = loyalty_recompute()

    assert tier_of(user) == "member"
    assert counts["down"] == 1


def test_the_periodic_task_is_scheduled_and_runs(tiers):
    user = factories.UserFactory()
    for _ in range(3):
        order(user, "100.00")

    assert any(
        entry["task"] == "accounts.tasks.recompute_loyalty_tiers"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
    recompute_loyalty_tiers.delay()
    assert tier_of(user) == "silver"


def test_the_account_page_shows_the_tier_and_the_way_up(storefront_client, tiers):
    user = factories.UserFactory()
    for _ in range(3):
        order(user, "100.00")
    loyalty_recompute()
    storefront_client.force_login(user)

    page = storefront_client.get("/accounts/loyalty/").content.decode()

    assert "You are <strong>Silver</strong>" in page
    assert "You save 3% on every list price" in page
    assert "Next: Gold (5% off)" in page
    assert "spend €700.00 more" in page
    assert "place 3 more orders" in page


def test_the_loyalty_page_needs_a_sign_in_and_is_storefront_only(storefront_client, portal_client):
    assert storefront_client.get("/accounts/loyalty/").status_code == 302
    portal_client.force_login(factories.MembershipFactory().user)
    assert portal_client.get("/accounts/loyalty/").status_code == 404


def test_a_tier_change_emails_the_consumer_what_the_next_tier_needs(tiers, committed):
    from django.core import mail

    silver = factories.UserFactory(email="sven@example.com")
    for _ in range(3):
        order(silver, "100.00")

    with committed():
        loyalty_recompute()

    assert [m.to for m in mail.outbox] == [["sven@example.com"]]
    body = mail.outbox[0].body
    assert "Silver" in mail.outbox[0].subject
    assert "To reach Gold" in body
    assert "spend 700.00 more" in body
    assert "place 3 more orders" in body

    mail.outbox.clear()
    with committed():
        loyalty_recompute()  # nothing changed: no email
    assert mail.outbox == []
