"""Real threads on PostgreSQL: each decision on a lead is taken once, under
its row lock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.leads import services
from commerce.leads.exceptions import LeadClosed
from commerce.leads.models import Lead, LeadOffer
from tests.helpers import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _new_lead(network):
    return services.lead_create(
        name="Connie",
        email="connie@example.com",
        postcode="10115",
        country="DE",
        product=network["bike"],
    )


def test_two_lapse_sweeps_reroute_a_lead_exactly_once(network):
    lead = _new_lead(network)
    offer = LeadOffer.objects.get(lead=lead)
    LeadOffer.objects.filter(pk=offer.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    results = at_once(
        lambda: services.lead_offer_lapse(offer_id=offer.pk),
        lambda: services.lead_offer_lapse(offer_id=offer.pk),
        what="a lapse",
    )
    assert sorted(results) == [False, True]
    lead.refresh_from_db()
    assert lead.dealer == network["second"]
    assert list(LeadOffer.objects.filter(lead=lead).values_list("status", flat=True)) == [
        "lapsed",
        "offered",
    ]


def test_an_accept_racing_a_reject_ends_in_one_outcome(network):
    lead = _new_lead(network)
    best = network["best"]
    results = at_once(
        lambda: services.lead_accept(lead_id=lead.pk, dealer=best),
        lambda: services.lead_reject(lead_id=lead.pk, dealer=best, reason="busy"),
        expected=(LeadClosed,),
        what="a decision",
    )
    assert sum(isinstance(r, LeadClosed) for r in results) == 1
    lead = Lead.objects.get(pk=lead.pk)
    offers = list(LeadOffer.objects.filter(lead=lead).values_list("status", flat=True))
    if lead.status == "accepted":
        assert offers == ["accepted"]
    else:
        assert (lead.status, lead.dealer) == ("offered", network["second"])
        assert offers == ["rejected", "offered"]
