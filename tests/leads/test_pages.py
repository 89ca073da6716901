"""The storefront form on dealer-sold product and category pages, the
dealer's lead and analytics pages in the portal, the staff dealer report."""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from commerce.leads.models import Lead
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_dealer_product_page_links_to_the_request_form(network, committed):
    shop = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    page = shop.get(network["bike"].get_absolute_url())
    assert page.status_code == 200
    assert b'id="ask_dealer"' in page.content
    plain = shop.get(network["direct"].get_absolute_url())
    assert b'id="ask_dealer"' not in plain.content
    category = shop.get(network["category"].get_absolute_url())
    assert b'id="ask_dealer"' in category.content

    url = f"/dealer-request/?product={network['bike'].pk}"
    assert shop.get(url).status_code == 200
    assert shop.get(f"/dealer-request/?product={network['direct'].pk}").status_code == 404
    bad = shop.post(url, {"name": "C", "email": "nope", "postcode": "10115", "country": "DE"})
    assert bad.status_code == 400
    with committed():
        sent = shop.post(
            url + "&utm_source=news&utm_campaign=spring",
            {
                "kind": "installation",
                "name": "Connie",
                "email": "connie@example.com",
                "postcode": "10115",
                "country": "DE",
                "message": "Install please",
                "consent": "on",
            },
        )
    assert sent.status_code == 302
    lead = Lead.objects.get()
    assert (lead.kind, lead.consent, lead.dealer) == ("installation", True, network["best"])
    assert shop.get(sent["Location"]).status_code == 200
    assert mail.outbox


def test_attribution_is_taken_from_campaign_links_and_dealer_referrals(network):
    shop = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    shop.get("/?utm_source=newsletter&utm_campaign=spring")
    shop.post(
        f"/dealer-request/?product={network['bike'].pk}",
        {
            "name": "A",
            "email": "a@example.com",
            "postcode": "10115",
            "country": "DE",
            "message": "x",
            "kind": "quote",
        },
    )
    lead = Lead.objects.get()
    assert lead.source == "campaign"
    assert lead.source_detail == {"utm_source": "newsletter", "utm_campaign": "spring"}
    other = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    other.get(f"/?dealer_ref={network['second'].pk}")
    other.post(
        f"/dealer-request/?product={network['bike'].pk}",
        {
            "name": "B",
            "email": "b@example.com",
            "postcode": "10115",
            "country": "DE",
            "message": "x",
            "kind": "quote",
        },
    )
    assert Lead.objects.latest("pk").source == "referral"


def test_the_dealer_works_its_leads_in_the_portal(network, ask):
    lead = ask()
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.force_login(network["admins"][network["best"].pk])
    page = portal.get("/dealer/leads/")
    assert page.status_code == 200
    assert f'id="lead_{lead.pk}"'.encode() in page.content
    portal.post(f"/dealer/leads/{lead.pk}/accept/")
    portal.post(f"/dealer/leads/{lead.pk}/outcome/", {"status": "won", "amount": "700"})
    lead.refresh_from_db()
    assert (lead.status, str(lead.won_amount)) == ("won", "700.00")
    analytics = portal.get("/dealer/analytics/")
    assert analytics.status_code == 200
    assert b"<svg" in analytics.content
    assert b"700.00" in analytics.content
    export = portal.get("/dealer/analytics/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["month", "plan", "actual"]
    assert ["leads_won_value", "700.00"] in rows


def test_staff_dealer_report_page_and_csv(network, ask):
    staff = factories.StaffFactory()
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(staff)
    page = client.get("/dashboard/sales-reports/dealers/")
    assert page.status_code == 200, page.content[:300]
    assert b"Berlin Bikes" in page.content
    assert b"<svg" in page.content
    export = client.get("/dashboard/sales-reports/dealers/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["Dealer", "Region", "Orders"]
    assert {r[0] for r in rows[1:]} == {"Berlin Bikes", "Spree Cycles", "Isar Rad"}
    regions = client.get("/dashboard/sales-reports/dealer-regions/")
    assert regions.status_code == 200


def test_staff_set_plans_per_dealer_and_region(network):
    from datetime import date

    from commerce.leads.models import SalesPlan

    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.StaffFactory())
    url = "/dashboard/sales-reports/dealer-plans/"
    assert client.get(url).status_code == 200
    best = network["best"]
    ok = client.post(url, {"month": "2026-11", "dealer": best.pk, "target": "1500.00"})
    assert ok.status_code == 302
    client.post(url, {"month": "2026-11", "dealer": best.pk, "target": "1800"})
    client.post(url, {"month": "2026-11", "region": "10", "target": "2500"})
    assert client.post(url, {"month": "2026-11", "target": "5"}).status_code == 400
    assert client.post(url, {"month": "nov", "region": "10", "target": "5"}).status_code == 400
    assert client.post(url, {"month": "2026-11", "region": "1x", "target": "5"}).status_code == 400
    assert client.post(url, {"month": "2026-11", "region": "10", "target": "-1"}).status_code == 400
    both = {"month": "2026-11", "dealer": best.pk, "region": "10", "target": "5"}
    assert client.post(url, both).status_code == 400
    plans = {(p.dealer_id, p.region): p.target for p in SalesPlan.objects.all()}
    assert plans == {(best.pk, ""): Decimal("1800.00"), (None, "10"): Decimal("2500.00")}
    assert all(p.month == date(2026, 11, 1) for p in SalesPlan.objects.all())
    clerk = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    clerk.force_login(factories.UserFactory())
    assert clerk.get(url).status_code in (302, 403)
