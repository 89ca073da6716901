"""Reports: figures checked against hand-computed orders, CSV content, the
approval turnaround, credit exposure and aging as billing computes them, a
sales rep's scope, and a constant number of queries."""

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.approvals.models import ApprovalRequest
from commerce.approvals.services import approval_decide
from commerce.billing import aging, credit
from commerce.billing.models import CreditAccount
from commerce.fulfilment.transitions import order_set_status
from commerce.reports import charts
from tests import factories
from tests.backoffice.conftest import (
    dashboard_client,
    invoiced,
    pending_order,
    place_portal,
    place_storefront,
    placed_at,
    staff,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)
PERIOD = {"date_from": "2026-09-01", "date_to": "2026-10-31"}


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def table(client, slug, **params):
    response = client.get(
        f"/dashboard/sales-reports/{slug}/", {**PERIOD, **params, "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def sales(acme, globex):
    """Freight is free from 500.00 net, so each order's net total is its goods:
    Acme 600.00 (Oct) and 520.00 (Sep), Globex 700.00 (Oct), a consumer 50.00
    (Oct, storefront); a cancelled and an out-of-period order do not count."""
    orders = {
        "acme_oct": place_portal(acme, net="300.00", quantity=2),
        "acme_sep": place_portal(acme, net="520.00"),
        "globex_oct": place_portal(globex, net="700.00"),
        "consumer_oct": place_storefront(net="50.00"),
        "cancelled": place_portal(acme, net="900.00"),
        "august": place_portal(globex, net="800.00"),
    }
    order_set_status(order=orders["cancelled"], status="Cancelled")
    for key, day in {
        "acme_oct": "2026-10-05",
        "acme_sep": "2026-09-20",
        "globex_oct": "2026-10-12",
        "consumer_oct": "2026-10-30",
        "cancelled": "2026-10-06",
        "august": "2026-08-31",
    }.items():
        placed_at(orders[key], at(day, 23 if key == "august" else 12))
    return orders


@pytest.fixture
def controller():
    return dashboard_client(staff("credit_controller"))


def test_sales_by_site_and_month(controller, sales):
    assert table(controller, "sales") == [
        ["Month", "Site", "Orders", "Net sales"],
        ["2026-09", "Portal", "1", "520.00"],
        ["2026-10", "Storefront", "1", "50.00"],
        ["2026-10", "Portal", "2", "1300.00"],
    ]


def test_top_products_and_companies(controller, sales):
    products = table(controller, "products")
    companies = table(controller, "companies")

    assert [row[2:] for row in products] == [
        ["Quantity", "Net sales"],
        ["1", "700.00"],
        ["2", "600.00"],
        ["1", "520.00"],
        ["1", "50.00"],
    ]
    assert products[2][0] == sales["acme_oct"].lines.get().partner_sku
    assert companies == [
        ["Company", "Orders", "Net sales"],
        ["Acme Industrial", "2", "1120.00"],
        ["Globex Supply", "1", "700.00"],
    ]


def test_the_period_narrows_the_figures(controller, sales):
    september = table(controller, "companies", date_from="2026-09-01", date_to="2026-09-30")
    wider = table(controller, "companies", date_from="2026-08-01", date_to="2026-10-31")

    assert september == [["Company", "Orders", "Net sales"], ["Acme Industrial", "1", "520.00"]]
    assert ["Globex Supply", "2", "1500.00"] in wider


def test_a_bad_period_is_a_clear_error(controller):
    response = controller.get(
        "/dashboard/sales-reports/sales/", {"date_from": "2026-10-01", "date_to": "2026-09-01"}
    )
    junk = controller.get("/dashboard/sales-reports/sales/", {"date_from": "yesterday"})

    assert response.status_code == 400
    assert "must not be after" in response.content.decode()
    assert junk.status_code == 400
    assert controller.get("/dashboard/sales-reports/nonsense/").status_code == 404


def test_the_page_draws_an_svg_chart_without_scripts(controller, sales):
    page = controller.get("/dashboard/sales-reports/sales/", PERIOD).content.decode()

    chart = page.split('id="report_chart"', 1)[1].split("</div>", 1)[0]
    assert "<svg" in chart
    assert chart.count("<polyline") == 2  # one line per site
    assert "<script" not in chart
    assert "1300.00" in page


def test_charts_scale_bars_to_the_largest_value():
    svg = str(charts.bar_chart([("A", Decimal("100.00")), ("B <x>", Decimal("50.00"))], width=640))

    widths = [int(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', svg)]
    assert widths == [330, 165]
    assert "B &lt;x&gt;" in svg
    assert charts.bar_chart([]) == ""


def test_approval_turnaround_mean_and_median(controller, acme, globex):
    approver = factories.MembershipFactory(company=acme, role="approver").user
    globex_approver = factories.MembershipFactory(company=globex, role="approver").user
    hours = {acme: [2, 4, 9], globex: [1]}
    for company, durations in hours.items():
        for n, took in enumerate(durations):
            order = pending_order(company)
            who = approver if company == acme else globex_approver
            approval_decide(
                request=order.approval,
                approver=who,
                decision="approve" if n else "reject",
                comment="Over budget",
            )
            start = at("2026-10-01", 8) + timedelta(days=n)
            ApprovalRequest.objects.filter(pk=order.approval.pk).update(
                created_at=start, decided_at=start + timedelta(hours=took)
            )
    pending_order(acme)  # undecided: not counted

    assert table(controller, "approvals") == [
        ["Company", "Month", "Decided", "Average hours", "Median hours"],
        ["Acme Industrial", "2026-10", "3", "5.0", "4.0"],
        ["Globex Supply", "2026-10", "1", "1.0", "1.0"],
    ]


def test_credit_exposure_agrees_with_the_billing_selectors(controller, acme, globex):
    place_portal(acme, net="520.00")
    invoiced(place_portal(globex, net="700.00"), days_overdue=40)
    CreditAccount.objects.filter(company=globex).update(credit_limit=Decimal("500.00"))

    rows = table(controller, "exposure")

    expected = [["Company", "Credit limit", "Exposure", "Available", "On hold"]]
    for company in (acme, globex):
        standing = credit.standing(credit.account_for_company(company))
        expected.append(
            [
                company.name,
                str(standing.limit),
                str(standing.exposure),
                str(standing.available),
                "no",
            ]
        )
    assert rows == expected
    assert rows[1][2] == "618.80"  # 520.00 + 19 % VAT held on account
    assert rows[2][3] == "0.00"  # over its limit: nothing available


def test_aging_agrees_with_the_billing_report(controller, acme, globex):
    invoiced(place_portal(acme, net="520.00"), days_overdue=10)
    invoiced(place_portal(globex, net="700.00"), days_overdue=75)
    invoiced(place_portal(globex, net="600.00"))

    rows = table(controller, "aging")

    report, overall = aging.aging_report()
    assert rows[1:] == [
        [r.name, *map(str, r.buckets.values()), str(r.total)] for r in [*report, overall]
    ]
    assert rows[1] == ["Acme Industrial", "0.00", "618.80", "0.00", "0.00", "0.00", "618.80"]
    assert rows[-1][0] == "All accounts"


def test_a_sales_rep_sees_only_their_companies_figures(sales, acme):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    client = dashboard_client(rep)
    invoiced(place_portal(sales["globex_oct"].company, net="600.00"), days_overdue=5)

    assert table(client, "companies") == [
        ["Company", "Orders", "Net sales"],
        ["Acme Industrial", "2", "1120.00"],
    ]
    assert table(client, "sales") == [
        ["Month", "Site", "Orders", "Net sales"],
        ["2026-09", "Portal", "1", "520.00"],
        ["2026-10", "Portal", "1", "600.00"],
    ]
    assert [r[0] for r in table(client, "exposure")[1:]] == ["Acme Industrial"]
    assert [r[0] for r in table(client, "aging")[1:]] == []  # Acme owes nothing overdue or open
    assert len(table(client, "products")) == 3


def test_reports_run_in_a_constant_number_of_queries(controller, acme, globex):
    def counts():
        result = {}
        for slug in ("sales", "products", "companies", "approvals", "exposure", "aging"):
            with CaptureQueriesContext(connection) as queries:
                assert controller.get(f"/dashboard/sales-reports/{slug}/").status_code == 200
            result[slug] = len(queries)
        return result

    place_portal(acme, net="520.00")
    small = counts()
    for company in (acme, globex, acme, globex):
        invoiced(place_portal(company, net="510.00"), days_overdue=3)
    third = factories.CompanyFactory(name="Initech")
    factories.credit_account(third)
    approver = factories.MembershipFactory(company=acme, role="approver").user
    approval_decide(request=pending_order(acme).approval, approver=approver, decision="approve")
    large = counts()

    assert small == large
    assert max(large.values()) <= 6


def test_the_index_lists_every_report_with_its_csv(controller):
    page = controller.get("/dashboard/sales-reports/").content.decode()

    for slug in ("sales", "products", "companies", "approvals", "exposure", "aging"):
        assert f"/dashboard/sales-reports/{slug}/?format=csv" in page


def test_default_period_is_the_last_twelve_months(controller, acme):
    order = place_portal(acme, net="520.00")
    placed_at(order, timezone.now() - timedelta(days=3))

    response = controller.get("/dashboard/sales-reports/companies/")

    assert response.status_code == 200
    assert "520.00" in response.content.decode()
