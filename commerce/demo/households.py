"""Demo household: ``consumer@example.com`` owns "The Consumers", with
``household.member@example.com`` as a member on a 50.00 monthly budget."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from commerce.households.models import Household, HouseholdMember

OWNER = "consumer@example.com"
MEMBER = "household.member@example.com"
BUDGET = Decimal("50.00")


@transaction.atomic
def seed_households() -> Household | None:
    users = {u.email: u for u in get_user_model().objects.filter(email__in=[OWNER, MEMBER])}
    if len(users) < 2:
        return None
    household, _ = Household.objects.get_or_create(
        owner=users[OWNER], defaults={"name": "The Consumers"}
    )
    if not HouseholdMember.objects.filter(user=users[MEMBER], is_active=True).exists():
        HouseholdMember.objects.create(
            household=household, user=users[MEMBER], monthly_budget=BUDGET
        )
    return household
