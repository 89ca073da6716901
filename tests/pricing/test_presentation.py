"""One presentation rule per site: the portal shows net amounts "excl. VAT"
with VAT on a line of its own; the storefront shows gross "incl. VAT"; a
strike-through compares like with like."""

import re
from decimal import Decimal

import pytest

from accounts.models import CustomerLoyalty, LoyaltyTier
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


def amount(html: str, element_id: str) -> Decimal:
    found = re.search(rf'id="{element_id}"[^>]*data-amount="([0-9.]+)"', html)
    assert found, element_id
    return Decimal(found.group(1))


def test_portal_basket_is_net_with_a_vat_line(portal_buyer_client):
    product = factories.ProductFactory(stock=50, stock__price="43.89")
    portal_buyer_client.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    html = portal_buyer_client.get("/basket/").content.decode()

    assert 'data-prices="net"' in html and "excl. VAT" in html
    lines = amount(html, "basket_lines_total")
    net = amount(html, "basket_total_net")
    tax = amount(html, "basket_tax")
    assert lines == Decimal("87.78")
    assert net == lines + amount(html, "basket_shipping")
    assert amount(html, "basket_total") == net + tax
    mini = re.search(r'id="mini_basket_total">([^<]+)<', html).group(1)
    assert "87.78" in mini


def test_storefront_basket_is_gross_incl_vat(storefront_client):
    product = factories.ProductFactory(stock=50, stock__price="10.00")
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 3})

    html = storefront_client.get("/basket/").content.decode()

    assert 'data-prices="gross"' in html and "incl. VAT" in html
    lines = amount(html, "basket_lines_total")
    assert lines == Decimal("35.70")
    assert amount(html, "basket_total") == lines + amount(html, "basket_shipping")


def test_gold_member_strike_through_is_the_gross_list_price(storefront_client):
    gold = LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent=Decimal("5")
    )
    consumer = factories.UserFactory()
    CustomerLoyalty.objects.create(user=consumer, tier=gold)
    product = factories.ProductFactory(stock=50, stock__price="118.69")
    storefront_client.force_login(consumer)

    html = storefront_client.get(product.get_absolute_url()).content.decode()

    shown = Decimal(re.search(r'data-price="([0-9.]+)"', html).group(1))
    struck = Decimal(re.search(r'data-list-price="([0-9.]+)"', html).group(1))
    # 118.69 net list = 141.24 gross; Gold pays 112.76 net = 134.18 gross
    assert (shown, struck) == (Decimal("134.18"), Decimal("141.24"))
    assert struck > shown


def test_price_change_message_is_net_on_the_portal(portal_buyer_client):
    product = factories.ProductFactory(stock=50, stock__price="46.81")
    portal_buyer_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    record = product.stockrecords.get()
    record.price = Decimal("43.89")
    record.save()

    html = portal_buyer_client.get("/basket/").content.decode()

    assert "from €46.81 to €43.89 (excl. VAT)" in html.replace("&#x27;", "'")
