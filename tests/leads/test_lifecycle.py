"""A lead end to end through the API: asked anonymously, routed like an order,
accepted, outcomes reported, re-routed on rejection and lapse, stale flags,
status emails with the signed link, the survey after a win."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commerce.api.views.auth import ClientIpScopedRateThrottle
from commerce.leads import tasks
from commerce.leads.models import Lead, LeadOffer, Survey
from tests.api.conftest import storefront_api
from tests.helpers import link_in_last_email
from tests.leads.conftest import REQUEST

pytestmark = pytest.mark.django_db


def test_an_anonymous_request_is_routed_to_the_best_berlin_dealer(network, committed):
    with committed():
        response = storefront_api().post(
            "/api/leads/", {**REQUEST, "product": network["bike"].pk}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "status"}
    assert body["status"] == "offered"
    lead = Lead.objects.get(pk=body["id"])
    assert lead.dealer == network["best"]
    by_dealer = {c["dealer"]: c for c in lead.candidates}
    assert by_dealer[network["second"].pk]["lost_at"] == "rating"
    assert by_dealer[network["munich"].pk]["lost_at"] == "territory"
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.deadline > timezone.now()
    subjects = [m.subject for m in mail.outbox]
    assert "We received your request" in subjects
    assert any(s.startswith("New lead") for s in subjects)
    consumer = next(m for m in mail.outbox if m.to == ["connie@example.com"])
    path = consumer.body.split("here: ")[1].split()[0].split("/", 3)[3]
    page = storefront_api().get("/" + path)
    assert page.status_code == 200
    assert b"Offered" in page.content
    assert storefront_api().get("/dealer-request/not-a-token/").status_code == 404


def test_a_category_request_and_bad_requests(network):
    client = storefront_api()
    ok = client.post("/api/leads/", {**REQUEST, "category": network["category"].pk}, format="json")
    assert ok.status_code == 201
    missing = client.post("/api/leads/", {"name": "x", "email": "x@example.com"}, format="json")
    assert missing.status_code == 400
    assert "postcode" in str(missing.json())
    direct = client.post("/api/leads/", {**REQUEST, "product": network["direct"].pk}, format="json")
    assert direct.status_code == 400
    unknown = client.post("/api/leads/", {**REQUEST, "product": 999999}, format="json")
    assert unknown.status_code == 400
    bad_email = client.post("/api/leads/", {**REQUEST, "email": "nope"}, format="json")
    assert bad_email.status_code == 400
    assert Lead.objects.count() == 1


def test_lead_requests_are_throttled(network, monkeypatch):
    monkeypatch.setattr(ClientIpScopedRateThrottle, "THROTTLE_RATES", {"leads": "2/minute"})
    client = storefront_api()
    codes = [
        client.post("/api/leads/", {**REQUEST, "product": network["bike"].pk}, format="json")
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [201, 201, 429]


def test_no_dealer_serves_the_postcode(network, committed):
    with committed():
        response = storefront_api().post(
            "/api/leads/", {**REQUEST, "postcode": "50667"}, format="json"
        )
    assert response.json()["status"] == "unassigned"
    assert any("finding a dealer" in m.subject for m in mail.outbox)


def test_accept_then_outcomes_to_a_win_with_a_survey(network, ask, dealer_client, committed):
    lead = ask()
    client = dealer_client(network["best"])
    listed = client.get("/api/dealer/leads/?status=offered").json()
    assert [row["id"] for row in listed["results"]] == [lead.pk]
    assert listed["results"][0]["deadline"]
    assert client.get("/api/dealer/leads/?status=bogus").status_code == 400

    with committed():
        accepted = client.post(f"/api/dealer/leads/{lead.pk}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert client.post(f"/api/dealer/leads/{lead.pk}/accept/").status_code == 409

    url = f"/api/dealer/leads/{lead.pk}/outcome/"
    assert client.post(url, {"status": "won"}, format="json").status_code == 400
    assert client.post(url, {"status": "lost", "reason": "?"}, format="json").status_code == 400
    assert client.post(url, {"status": "quoted", "amount": "-3"}, format="json").status_code == 400
    assert client.post(url, {"status": "contacted"}, format="json").json()["status"] == "contacted"
    quoted = client.post(url, {"status": "quoted", "amount": "950.00"}, format="json").json()
    assert (quoted["status"], quoted["quoted_amount"]) == ("quoted", "950.00")
    with committed():
        won = client.post(url, {"status": "won", "amount": "920.50"}, format="json")
    assert won.json()["status"] == "won"
    assert won.json()["won_amount"] == "920.50"
    assert client.post(url, {"status": "contacted"}, format="json").status_code == 409

    survey = Survey.objects.get(lead=lead)
    assert survey.dealer == network["best"]
    assert "How did Berlin Bikes do?" in [m.subject for m in mail.outbox]
    link = link_in_last_email()
    page = storefront_api().get(link)
    assert page.status_code == 200
    assert storefront_api().post(link, {"stars": "9"}).status_code == 400
    thanks = storefront_api().post(link, {"stars": "5", "comment": "Great advice"})
    assert b"Thank you" in thanks.content
    again = storefront_api().post(link, {"stars": "1"})
    assert again.status_code == 400
    survey.refresh_from_db()
    assert (survey.stars, survey.comment) == (5, "Great advice")


def test_a_lost_lead_needs_a_listed_reason(network, ask, dealer_client):
    lead = ask()
    client = dealer_client(network["best"])
    client.post(f"/api/dealer/leads/{lead.pk}/accept/")
    lost = client.post(
        f"/api/dealer/leads/{lead.pk}/outcome/",
        {"status": "lost", "reason": "competitor"},
        format="json",
    )
    assert lost.json()["status"] == "lost"
    assert lost.json()["lost_reason"] == "competitor"
    assert not Survey.objects.exists()


def test_reject_reroutes_to_the_next_dealer_once(network, ask, dealer_client):
    lead = ask()
    best = dealer_client(network["best"])
    assert best.post(f"/api/dealer/leads/{lead.pk}/reject/", {}, format="json").status_code == 400
    rejected = best.post(
        f"/api/dealer/leads/{lead.pk}/reject/", {"reason": "fully booked"}, format="json"
    )
    assert rejected.json() == {"id": lead.pk, "status": "rejected"}
    lead.refresh_from_db()
    assert lead.dealer == network["second"]
    assert lead.status == "offered"
    assert "rejected: fully booked" in lead.why
    # The lead is no longer the first dealer's.
    assert best.get(f"/api/dealer/leads/{lead.pk}/").status_code == 404
    second = dealer_client(network["second"])
    assert second.get(f"/api/dealer/leads/{lead.pk}/").json()["status"] == "offered"
    second.post(f"/api/dealer/leads/{lead.pk}/reject/", {"reason": "no time"}, format="json")
    lead.refresh_from_db()
    assert (lead.status, lead.dealer) == ("unassigned", None)
    assert sorted(lead.declined) == sorted([network["best"].pk, network["second"].pk])


def test_a_lapsed_lead_is_rerouted_by_the_sweep(network, ask):
    lead = ask()
    LeadOffer.objects.filter(lead=lead).update(deadline=timezone.now() - timedelta(minutes=1))
    assert tasks.lapse_lead_offers() == 1
    assert tasks.lapse_lead_offers() == 0
    lead.refresh_from_db()
    assert lead.dealer == network["second"]
    statuses = list(LeadOffer.objects.filter(lead=lead).values_list("status", flat=True))
    assert statuses == ["lapsed", "offered"]


def test_an_accept_after_the_deadline_is_refused(network, ask, dealer_client):
    lead = ask()
    LeadOffer.objects.filter(lead=lead).update(deadline=timezone.now() - timedelta(minutes=1))
    response = dealer_client(network["best"]).post(f"/api/dealer/leads/{lead.pk}/accept/")
    assert response.status_code == 409


def test_leads_without_outcome_are_flagged_stale(network, ask, dealer_client):
    lead = ask()
    dealer_client(network["best"]).post(f"/api/dealer/leads/{lead.pk}/accept/")
    assert tasks.flag_stale_leads() == 0
    Lead.objects.filter(pk=lead.pk).update(accepted_at=timezone.now() - timedelta(days=15))
    assert tasks.flag_stale_leads() == 1
    assert tasks.flag_stale_leads() == 0
    row = dealer_client(network["best"]).get(f"/api/dealer/leads/{lead.pk}/").json()
    assert row["stale"] is True


def test_every_dealer_lead_path_is_404_for_another_dealer(network, ask, dealer_client):
    lead = ask()
    other = dealer_client(network["munich"])
    assert other.get("/api/dealer/leads/").json()["results"] == []
    assert other.get(f"/api/dealer/leads/{lead.pk}/").status_code == 404
    for action, body in (
        ("accept", {}),
        ("reject", {"reason": "x"}),
        ("outcome", {"status": "contacted"}),
    ):
        response = other.post(f"/api/dealer/leads/{lead.pk}/{action}/", body, format="json")
        assert response.status_code == 404, action
    # And the portal pages.
    from django.conf import settings
    from django.test import Client

    browser = Client(HTTP_HOST=settings.PORTAL_HOST)
    browser.force_login(network["admins"][network["munich"].pk])
    assert f'id="lead_{lead.pk}"'.encode() not in browser.get("/dealer/leads/").content
    for action in ("accept", "reject", "outcome"):
        page = browser.post(f"/dealer/leads/{lead.pk}/{action}/", {"reason": "x"})
        assert page.status_code == 404, action
    lead.refresh_from_db()
    assert (lead.status, lead.dealer) == ("offered", network["best"])


def test_a_non_dealer_member_is_refused(network):
    from tests import factories
    from tests.api.conftest import portal_api

    buyer = factories.MembershipFactory(company=factories.business("Plain Buyer"), role="admin")
    assert portal_api(buyer.user).get("/api/dealer/leads/").status_code == 403
    assert portal_api(buyer.user).get("/api/dealer/analytics/").status_code == 403


def test_a_dealer_delivered_order_gets_one_survey(network, committed):
    from oscar.core.loading import get_model

    from commerce.dealers import services as dealer_services
    from tests.dealers.test_flow import buy

    Order = get_model("order", "Order")
    _, body = buy(network["bike"])
    order = Order.objects.get(number=body["number"])
    best = network["best"]
    dealer_services.dealer_offer_accept(order=order, dealer=best)
    dealer_services.dealer_order_ship(
        order=order, dealer=best, carrier="DHL", tracking_number="JJD1"
    )
    dealer_services.dealer_order_delivered(order=order, dealer=best)
    mail.outbox.clear()
    with committed():
        assert tasks.send_order_surveys() == 1
    assert tasks.send_order_surveys() == 0
    survey = Survey.objects.get(order=order)
    assert (survey.dealer, survey.email) == (best, "consumer@example.com")
    assert "How did Berlin Bikes do?" in [m.subject for m in mail.outbox]


def test_a_won_lead_with_consent_becomes_an_order_through_the_checkout(
    network, ask, dealer_client, committed
):
    from commerce.leads import links
    from commerce.leads.models import Attribution
    from tests import factories
    from tests.dealers.test_flow import ADDRESS

    lead = ask(consent=True)
    best = dealer_client(network["best"])
    best.post(f"/api/dealer/leads/{lead.pk}/accept/")
    best.post(
        f"/api/dealer/leads/{lead.pk}/outcome/", {"status": "won", "amount": "480"}, format="json"
    )
    user = factories.UserFactory(email="connie@example.com")
    client = storefront_api(user)
    client.force_login(user)
    token = links.lead_token(lead)
    assert b'id="lead_order"' in client.get(f"/dealer-request/{token}/").content
    assert client.post(f"/dealer-request/{token}/order/").status_code == 302
    with committed():
        placed = client.post(
            "/api/checkout/",
            {
                "payment_method": "card",
                "card_token": "tok_sandbox_approve",
                "shipping_address": ADDRESS,
            },
            format="json",
        )
    assert placed.status_code == 201, placed.content
    number = placed.json()["number"]
    lead.refresh_from_db()
    assert lead.order.number == number
    assert Attribution.objects.get(order__number=number).source == "lead"
    # Once only; and a lead without consent cannot be ordered.
    assert client.post(f"/dealer-request/{token}/order/").status_code == 404
    other = ask(consent=False)
    other_token = links.lead_token(other)
    assert client.post(f"/dealer-request/{other_token}/order/").status_code == 404


def test_the_dealer_lead_list_costs_the_same_queries_for_one_or_many(network, ask):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.api.conftest import portal_api

    client = portal_api(network["admins"][network["best"].pk])

    def queries():
        client.get("/api/dealer/leads/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/dealer/leads/").status_code == 200
        return len(ctx.captured_queries)

    ask()
    one = queries()
    for _ in range(6):
        ask(category=network["category"].pk)
    assert queries() == one
