from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.members.models import Drop, Segment
from tests import factories


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def gold_tier(db):
    return LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent="5", min_spend="1000"
    )


@pytest.fixture
def segment(gold_tier):
    segment = Segment.objects.create(
        name="Gold members", slug="gold-members", members_may_invite=True
    )
    segment.loyalty_tiers.add(gold_tier)
    return segment


@pytest.fixture
def gold(gold_tier):
    user = factories.UserFactory(email="gold@example.com")
    CustomerLoyalty.objects.create(user=user, tier=gold_tier)
    return user


@pytest.fixture
def consumer(db):
    return factories.UserFactory(email="plain@example.com")


def make_drop(segment, *, products=(), categories=(), members_in=-1, public_in=30):
    """A drop whose members' window opens ``members_in`` days from now and public
    one ``public_in`` days from now (None: never)."""
    now = timezone.now()
    drop = Drop.objects.create(
        name="Drop",
        segment=segment,
        members_from=now + timedelta(days=members_in),
        public_from=None if public_in is None else now + timedelta(days=public_in),
    )
    drop.products.set(products)
    drop.categories.set(categories)
    return drop
