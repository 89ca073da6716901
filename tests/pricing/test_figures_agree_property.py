"""Every figure agrees and adds up, for random baskets.

A basket is drawn at random: the site (storefront consumer with or without a
loyalty tier, or a portal company with or without a tier list and a contract
list with volume breaks), one to three products, quantities, automatic
promotions and vouchers (percentage or amount, naming the company or not,
stacking with loyalty or not) and the delivery method. Then the same basket is
read on the product page and the product API, the basket page, the basket
API, placed through the checkout pages, and read back from the order, the
order API, the confirmation email, and (portal, on account) the invoice as
JSON and PDF text and the statement. Unit prices, line totals and the totals
(excl. VAT, VAT, incl. VAT) agree to the cent, and lines + delivery + VAT =
total everywhere.
"""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.api import tokens
from commerce.billing.invoicing import invoice_for_shipped
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order import status as order_status
from pricing.strategy import Selector
from tests import factories
from tests.helpers import checkout_basket, portal_checkout

Order = get_model("order", "Order")
Promotion = get_model("partner", "Promotion")

PRICES = ["0.99", "9.95", "10.00", "43.89", "118.69", "1234.56"]
FACTORS = ["0.95", "0.90", "0.85", "0.80", "0.70"]

promotion = st.fixed_dictionaries(
    {
        "percent": st.sampled_from(["0", "5", "10", "12.5", "33"]),
        "amount": st.sampled_from(["0", "0.50", "3.00"]),
        "voucher": st.booleans(),
        "names_company": st.booleans(),
        "stacks": st.booleans(),
        "product": st.integers(0, 2),
    }
)

baskets = st.fixed_dictionaries(
    {
        "portal": st.booleans(),
        "loyalty": st.sampled_from([None, "3", "5"]),
        "tier": st.booleans(),
        "contract": st.booleans(),
        "lines": st.lists(
            st.tuples(
                st.sampled_from(PRICES),
                st.integers(1, 30),
                st.sampled_from(FACTORS),
                st.sampled_from(FACTORS),
            ),
            min_size=1,
            max_size=3,
        ),
        "promotions": st.lists(promotion, max_size=2),
        "express": st.booleans(),
    }
)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def data_amount(html: str, element_id: str) -> Decimal:
    found = re.search(rf'id="{element_id}"[^>]*data-amount="([0-9.]+)"', html)
    assert found, (element_id, html[:300])
    return Decimal(found.group(1))


def pdf_text(content: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u00a0", " ")


def api_for(user, host, company=None) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    key = tokens.token_issue(user=user, name="t", kind="personal", actor=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if company is not None:
        client.defaults["HTTP_X_COMPANY"] = str(company.pk)
    return client


def build(draw_id: int, spec: dict):
    """Buyer, products and promotions for one drawn basket (scoped to its own products)."""
    company = buyer = viewer = None
    products = []
    for n, (price, _qty, _tier_factor, _contract_factor) in enumerate(spec["lines"]):
        products.append(
            factories.ProductFactory(stock=1000, stock__price=price, upc=f"P{draw_id}-{n}")
        )
    if spec["portal"]:
        tier = factories.PriceListFactory() if spec["tier"] else None
        company = factories.business(f"Co {draw_id}", price_tier=tier)
        buyer = factories.MembershipFactory(company=company, role="buyer").user
        viewer = factories.MembershipFactory(company=company, role="viewer").user
        contract = factories.contract_list(company) if spec["contract"] else None
        for product, (price, _q, tier_factor, contract_factor) in zip(
            products, spec["lines"], strict=True
        ):
            if tier is not None:
                factories.price(tier, product, money(Decimal(price) * Decimal(tier_factor)))
            if contract is not None:
                base = Decimal(price) * Decimal(contract_factor)
                factories.price(contract, product, money(base))
                factories.price(contract, product, money(base * Decimal("0.9")), min_quantity=10)
    else:
        buyer = factories.UserFactory()
        if spec["loyalty"]:
            level, _ = LoyaltyTier.objects.get_or_create(
                code=f"tier-{spec['loyalty']}",
                defaults={
                    "name": f"Tier {spec['loyalty']}",
                    "rank": 100 + int(spec["loyalty"]),
                    "discount_percent": Decimal(spec["loyalty"]),
                },
            )
            CustomerLoyalty.objects.create(user=buyer, tier=level)
    codes = []
    for n, promo in enumerate(spec["promotions"]):
        if promo["percent"] == "0" and promo["amount"] == "0":
            continue
        code = f"V{draw_id}X{n}" if promo["voucher"] else ""
        row = Promotion.objects.create(
            name=f"Promo {draw_id}-{n}",
            code=code,
            percent_off=Decimal(promo["percent"]),
            amount_off=Decimal(promo["amount"]),
            company=company if (company is not None and promo["names_company"]) else None,
            stacks_with_loyalty=promo["stacks"],
        )
        row.products.add(products[promo["product"] % len(products)])
        if code:
            codes.append(code)
    return company, buyer, viewer, products, codes


def check_adds_up(excl, tax, incl, lines_excl, shipping_excl):
    assert lines_excl + shipping_excl == excl
    assert excl + tax == incl


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=baskets)
@example(
    spec={
        "portal": True,
        "loyalty": None,
        "tier": True,
        "contract": True,
        "lines": [("43.89", 12, "0.90", "0.80"), ("118.69", 3, "0.85", "0.95")],
        "promotions": [
            {
                "percent": "12.5",
                "amount": "0",
                "voucher": True,
                "names_company": True,
                "stacks": False,
                "product": 0,
            },
            {
                "percent": "5",
                "amount": "0.50",
                "voucher": False,
                "names_company": False,
                "stacks": False,
                "product": 1,
            },
        ],
        "express": False,
    }
)
@example(
    spec={
        "portal": False,
        "loyalty": "5",
        "tier": False,
        "contract": False,
        "lines": [("118.69", 1, "0.90", "0.80"), ("9.95", 7, "0.90", "0.80")],
        "promotions": [
            {
                "percent": "10",
                "amount": "0",
                "voucher": True,
                "names_company": False,
                "stacks": True,
                "product": 0,
            },
            {
                "percent": "33",
                "amount": "0",
                "voucher": False,
                "names_company": False,
                "stacks": False,
                "product": 1,
            },
        ],
        "express": True,
    }
)
def test_every_figure_agrees_and_adds_up(spec, settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_TAX_RATE = "0.19"
    mail.outbox.clear()
    draw_id = Order.objects.count() + Promotion.objects.count() + factories.UserFactory().pk
    company, buyer, viewer, products, codes = build(draw_id, spec)
    portal = spec["portal"]
    host = django_settings.PORTAL_HOST if portal else django_settings.STOREFRONT_HOST
    channel = "portal" if portal else "storefront"
    client = Client(HTTP_HOST=host)
    client.force_login(buyer)
    api = api_for(buyer, host, company)
    strategy = Selector().strategy(channel=channel, user=buyer, company=company)

    # Product page and product API: the engine's price at quantity 1.
    for product in products:
        quote = strategy.quote(product, 1)
        page = client.get(product.get_absolute_url()).content.decode()
        shown = Decimal(re.search(r'data-price="([0-9.]+)"', page).group(1))
        assert shown == quote.unit_display
        price = api.get(f"/api/products/{product.pk}/").json()["price"]
        assert (Decimal(price["unit"]), price["reason"]) == (quote.unit_display, quote.reason)

    # The basket, on the page and in the API, with the vouchers applied.
    for product, (_price, quantity, _t, _c) in zip(products, spec["lines"], strict=True):
        client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    for code in codes:
        client.post("/basket/vouchers/add/", {"code": code})
    method = django_settings.SHIPPING_METHODS[channel][1 if spec["express"] else 0]["code"]
    totals = api.get(f"/api/basket/?shipping_method={method}").json()
    t = {k: Decimal(v) for k, v in totals.items() if k.endswith("_tax") or k == "tax"}
    check_adds_up(
        t["total_excl_tax"],
        t["tax"],
        t["total_incl_tax"],
        t["lines_excl_tax"],
        t["shipping_excl_tax"],
    )
    assert t["lines_incl_tax"] + t["shipping_incl_tax"] == t["total_incl_tax"]
    unit_sum = sum(Decimal(line["line_price"]) for line in totals["lines"])
    assert unit_sum == (t["lines_incl_tax"] if not portal else t["lines_excl_tax"])

    default = api.get("/api/basket/").json()
    html = client.get("/basket/").content.decode()
    shown_lines = data_amount(html, "basket_lines_total")
    assert shown_lines == Decimal(default["lines_excl_tax" if portal else "lines_incl_tax"])
    assert data_amount(html, "basket_tax") == Decimal(default["tax"])
    assert data_amount(html, "basket_total") == Decimal(default["total_incl_tax"])
    if portal:
        assert data_amount(html, "basket_total_net") == Decimal(default["total_excl_tax"])

    # Placement through the checkout pages.
    with django_capture_on_commit_callbacks(execute=True):
        if portal:
            response = portal_checkout(client, shipping_method=method)
        else:
            response = checkout_basket(client, shipping=method)
    assert response.status_code == 302, getattr(response, "content", b"")[:2000]
    order = Order.objects.filter(user=buyer).latest("pk")
    assert (order.total_excl_tax, order.total_incl_tax) == (
        t["total_excl_tax"],
        t["total_incl_tax"],
    )
    assert order.shipping_excl_tax == t["shipping_excl_tax"]
    assert order.basket_total_excl_tax == t["lines_excl_tax"]

    # The order over the API.
    body = api.get(f"/api/orders/{order.number}/").json()
    assert Decimal(body["total_excl_tax"]) == t["total_excl_tax"]
    assert Decimal(body["total_incl_tax"]) == t["total_incl_tax"]
    assert Decimal(body["shipping_excl_tax"]) == t["shipping_excl_tax"]
    lines_excl = sum(Decimal(line["line_price_excl_tax"]) for line in body["lines"])
    lines_incl = sum(Decimal(line["line_price_incl_tax"]) for line in body["lines"])
    assert lines_excl == t["lines_excl_tax"] and lines_incl == t["lines_incl_tax"]
    check_adds_up(
        Decimal(body["total_excl_tax"]),
        Decimal(body["tax"]),
        Decimal(body["total_incl_tax"]),
        lines_excl,
        Decimal(body["shipping_excl_tax"]),
    )

    # The confirmation email states the site's figures.
    [email] = [m for m in mail.outbox if order.number in m.body]
    shown_total = order.total_excl_tax if portal else order.total_incl_tax
    assert f"{shown_total:,.2f}" in email.body
    assert f"{order.total_incl_tax:,.2f}" in email.body

    if not portal:
        return
    # Invoice (JSON and PDF text) and statement, read by a viewer.
    order_set_status(order=order, status=order_status.PROCESSING)
    order_ship(order=order)
    invoice = invoice_for_shipped(order_id=order.pk) or order.invoices.get()
    reader = api_for(viewer, host, company)
    detail = reader.get(f"/api/invoices/{invoice.number}/").json()
    net, tax, total = (Decimal(detail[k]) for k in ("net", "tax", "total"))
    assert net == order.total_excl_tax
    assert net + tax == total == order.total_incl_tax
    assert sum(Decimal(line["net"]) for line in detail["lines"]) == net
    assert sum(Decimal(line["tax"]) for line in detail["lines"]) == tax
    assert sum(Decimal(r["tax"]) for r in detail["vat_breakdown"]) == tax
    text = pdf_text(reader.get(f"/api/invoices/{invoice.number}.pdf").content)
    for figure in (net, tax, total):
        assert f"{figure:,.2f}" in text
    statement = reader.get("/api/statement/").json()
    assert Decimal(statement["balance"]) == total
