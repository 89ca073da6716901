"""The delivery estimate: one pure function (cut-off, working days, lead time,
back-in-stock date), shown on the product page of both sites."""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from commerce.shipping.estimate import (
    BACK_IN_STOCK,
    IN_STOCK,
    LEAD_TIME,
    UNKNOWN,
    add_working_days,
    delivery_estimate,
)
from tests import factories

Partner = get_model("partner", "Partner")

CUTOFF = time(14, 0)
WEDNESDAY = date(2026, 12, 2)
FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)
SUNDAY = date(2026, 12, 6)
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def estimate(now, **facts):
    return delivery_estimate(now=now, cutoff=CUTOFF, **{"in_stock": True, **facts})


@pytest.mark.parametrize(
    ("now", "ships"),
    [
        (at(WEDNESDAY, 9), WEDNESDAY),  # before the cut-off: today
        (at(WEDNESDAY, 13, 59), WEDNESDAY),
        (at(WEDNESDAY, 14), WEDNESDAY + timedelta(days=1)),  # at or after it: tomorrow
        (at(FRIDAY, 10), FRIDAY),
        (at(FRIDAY, 16), MONDAY),  # Friday afternoon: Monday
        (at(SATURDAY, 8), MONDAY),  # the weekend: Monday, whatever the hour
        (at(SUNDAY, 20), MONDAY),
    ],
)
def test_in_stock_ships_by_the_cut_off_on_working_days(now, ships):
    assert estimate(now).kind == IN_STOCK
    assert estimate(now).dispatch_date == ships


def test_handling_days_are_working_days():
    assert estimate(at(FRIDAY, 10), handling_days=2).dispatch_date == date(2026, 12, 8)
    assert add_working_days(SATURDAY, 0) == MONDAY
    assert add_working_days(FRIDAY, 1) == MONDAY


def test_out_of_stock_uses_the_partner_lead_time_in_working_days():
    result = estimate(at(FRIDAY, 16), in_stock=False, lead_time_days=3)

    assert (result.kind, result.dispatch_date) == (LEAD_TIME, date(2026, 12, 10))  # Mon + 3


def test_a_known_back_in_stock_date_wins_over_the_lead_time():
    on_saturday = estimate(at(WEDNESDAY, 9), in_stock=False, lead_time_days=20,
                           back_in_stock=SATURDAY)  # fmt: skip
    already = estimate(at(WEDNESDAY, 9), in_stock=False, back_in_stock=date(2026, 11, 1))

    assert (on_saturday.kind, on_saturday.dispatch_date) == (BACK_IN_STOCK, MONDAY)
    assert already.dispatch_date == WEDNESDAY  # a date in the past is not a promise of the past


def test_out_of_stock_with_nothing_known_gives_no_date():
    result = estimate(at(WEDNESDAY, 9), in_stock=False)

    assert (result.kind, result.dispatch_date) == (UNKNOWN, None)
    assert result.as_text(WEDNESDAY) == "Out of stock: no delivery date yet."


def test_the_sentence_says_today_tomorrow_or_the_day():
    assert estimate(at(WEDNESDAY, 9)).as_text(WEDNESDAY) == "In stock: ships today."
    assert estimate(at(WEDNESDAY, 15)).as_text(WEDNESDAY) == "In stock: ships tomorrow."
    assert estimate(at(FRIDAY, 15)).as_text(FRIDAY) == "In stock: ships Monday, 7 December."


def page(product, host) -> str:
    client = Client(HTTP_HOST=host)
    if host == settings.PORTAL_HOST:
        company = factories.business("Acme Industrial")
        client.force_login(factories.MembershipFactory(company=company, role="buyer").user)
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode().split('id="delivery_estimate"', 1)[1].split("</p>", 1)[0]


HOSTS = pytest.mark.parametrize(
    "host", [settings.STOREFRONT_HOST, settings.PORTAL_HOST], ids=["storefront", "portal"]
)


@HOSTS
@pytest.mark.django_db
def test_the_product_page_shows_when_a_stocked_product_ships(host):
    product = factories.ProductFactory(stock=20)

    estimate_html = page(product, host)

    assert 'data-kind="in_stock"' in estimate_html
    assert "In stock: ships " in estimate_html


@HOSTS
@pytest.mark.django_db
def test_the_product_page_of_an_out_of_stock_product_uses_the_lead_time(host):
    partner = factories.PartnerFactory(lead_time_days=5)
    product = factories.ProductFactory(stock=0, stock__partner=partner)

    estimate_html = page(product, host)

    assert 'data-kind="lead_time"' in estimate_html
    assert "Made to order: ships " in estimate_html


@pytest.mark.django_db
def test_a_back_in_stock_date_is_shown():
    product = factories.ProductFactory(stock=0)
    product.stockrecords.update(back_in_stock=date.today() + timedelta(days=10))

    estimate_html = page(product, settings.STOREFRONT_HOST)

    assert 'data-kind="back_in_stock"' in estimate_html


@pytest.mark.django_db
def test_the_product_api_has_an_additive_delivery_estimate():
    from tests.api.conftest import storefront_api

    stocked = factories.ProductFactory(stock=7)
    partner = factories.PartnerFactory(code="made-to-order", lead_time_days=4)
    made = factories.ProductFactory(stock=0, stock__partner=partner)

    client = storefront_api()
    body = client.get(f"/api/products/{stocked.pk}/").json()
    other = client.get(f"/api/products/{made.pk}/").json()

    assert body["delivery_estimate"]["kind"] == "in_stock"
    assert date.fromisoformat(body["delivery_estimate"]["dispatch_date"]) >= date.today()
    assert other["delivery_estimate"]["kind"] == "lead_time"
    assert other["available"] is False  # the fields that were there stay as they were


@pytest.mark.django_db
def test_a_page_of_out_of_stock_products_reads_lead_times_at_once():
    from tests.api.conftest import storefront_api
    from tests.helpers import count_queries

    client = storefront_api()

    def fill(n):
        for _ in range(n):
            partner = factories.PartnerFactory(code=f"p{Partner.objects.count()}", lead_time_days=3)
            factories.ProductFactory(stock=0, stock__partner=partner)

    fill(2)
    small = count_queries(client, "/api/products/?page_size=2")
    fill(20)
    large = count_queries(client, "/api/products/?page_size=22")

    assert large == small


def test_cached_pages_carry_the_estimate_period_in_their_key(settings):
    """A cached page showing "ships today" must not outlive the cut-off."""
    from datetime import datetime

    from django.utils import timezone

    from commerce.shipping.estimate import estimate_period

    settings.DELIVERY_CUTOFF = "14:00"
    morning = timezone.make_aware(datetime(2026, 3, 4, 9, 0))
    afternoon = timezone.make_aware(datetime(2026, 3, 4, 15, 0))
    next_morning = timezone.make_aware(datetime(2026, 3, 5, 9, 0))
    assert estimate_period(morning) != estimate_period(afternoon)
    assert estimate_period(afternoon) != estimate_period(next_morning)
    assert estimate_period(morning) == estimate_period(morning.replace(hour=10))
