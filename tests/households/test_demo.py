"""The demo household: consumer@example.com owns it, household.member@example.com
shops in it on a small budget; seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from commerce.households.models import Household, HouseholdMember

pytestmark = pytest.mark.django_db


def test_the_demo_household():
    call_command("seed_demo", products=30, no_progress=True)
    call_command("seed_demo", products=30, no_progress=True)

    household = Household.objects.get()
    assert household.owner.email == "consumer@example.com"
    member = HouseholdMember.objects.get(household=household)
    assert (member.user.email, str(member.monthly_budget)) == (
        "household.member@example.com",
        "50.00",
    )
    assert member.user.check_password("demo-pass-2026")
