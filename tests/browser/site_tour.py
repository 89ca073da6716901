"""Shared by the accessibility, phone and crawl tests: a small world with every
persona, signing in on each site, axe-core and the overflow check."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from accounts.staff_policy import staff_role_assign
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.backoffice.conftest import pending_order, place_portal

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.10.3"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class World:
    company: object
    members: dict
    consumer: object
    staff: dict
    product: object
    category: object
    pending: object
    invoice: object


def build_world() -> World:
    factories.CountryFactory()
    category = factories.make_category("Power tools")
    product = factories.ProductFactory(
        title="Cordless drill 18 V",
        upc="NW-000042",
        stock=200,
        stock__price="89.00",
        category=category,
    )
    for n in range(3):
        factories.ProductFactory(title=f"Jigsaw {n}", stock=50, category=category)
    company = factories.business("Acme Industrial", limit="50000.00")
    members = {
        role: factories.MembershipFactory(
            company=company, role=role, user__email=f"{role}@acme.example"
        ).user
        for role in ("admin", "approver", "buyer", "viewer")
    }
    pending = pending_order(company)
    invoice = overdue_invoice(place_portal(company, user=members["buyer"]))
    staff = {"superuser": factories.StaffFactory(email="staff@example.com")}
    for role in ("administrator", "catalog_manager", "credit_controller"):
        user = factories.UserFactory(is_staff=True, email=f"{role}@example.com")
        staff_role_assign(user=user, role_key=role)
        staff[role] = user
    consumer = factories.UserFactory(email="consumer@example.com")
    return World(company, members, consumer, staff, product, category, pending, invoice)


def overdue_invoice(order):
    """Ship ``order``; its invoice (issued by the outbox handler, or here) is
    made three days overdue."""
    order_set_status(order=order, status="Shipped")
    invoice = Invoice.objects.filter(order=order).first() or invoice_for_shipped(order_id=order.pk)
    invoice.due_on = timezone.localdate() - timedelta(days=3)
    invoice.save(update_fields=["due_on"])
    return invoice


def sign_in_storefront(page, base: str, user) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", user.email)
    page.fill("#id_login-password", factories.PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def sign_in_portal(page, base: str, user) -> None:
    page.goto(base + "/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")


def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "vendored axe.min.js changed"
    return data.decode()


def axe_violations(page, source: str) -> list[dict]:
    """Critical and serious WCAG 2.1 A/AA violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }""",
        WCAG_AA,
    )
    return [v for v in results if v["impact"] in ("critical", "serious")]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = none)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
