"""The demo has leads in every state, ratings, six months of plans with a
region missing its plan."""

import pytest
from django.core.management import call_command

from commerce.dealers.models import DealerLedgerEntry
from commerce.leads.models import Lead, LeadOffer, SalesPlan, Survey

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_the_dealer_loop():
    call_command("seed_demo", products=30, no_progress=True, no_images=True)
    statuses = set(Lead.objects.values_list("status", flat=True))
    assert {"offered", "accepted", "contacted", "quoted", "won", "lost", "unassigned"} <= statuses
    assert Lead.objects.filter(stale_at__isnull=False).exists()
    assert {"rejected", "lapsed"} <= set(LeadOffer.objects.values_list("status", flat=True))
    assert Survey.objects.filter(stars__isnull=False).count() >= 2
    months = SalesPlan.objects.values_list("month", flat=True).distinct()
    assert len(set(months)) == 6
    regions = set(SalesPlan.objects.filter(dealer=None).values_list("region", flat=True))
    assert "50" not in regions and "10" in regions
    assert DealerLedgerEntry.objects.filter(kind="bonus").exists()
    count = Lead.objects.count()
    call_command("seed_demo", products=30, no_progress=True, no_images=True)
    assert Lead.objects.count() == count
