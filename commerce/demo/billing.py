"""Demo net terms: Acme on Net 30 (50,000) with one overdue invoice, Globex on
Net 60 (5,000) and on credit hold, and "Pay in 30 days" for the Gold consumer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.addresses import order_address_fields
from accounts.models import Company, CompanyAddress, Membership
from commerce.billing import credit
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import CreditAccount, Invoice
from commerce.billing.terms import Terms
from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.demo.catalog import UPC_PREFIX
from commerce.fulfilment.transitions import order_set_status
from pricing.strategy import Selector

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")

ACCOUNTS = {
    "Acme Industrial": {
        "terms": Terms.NET_30,
        "limit": "50000.00",
        "grace": 14,
        "overdue_days": 5,
    },
    "Globex Supply": {"terms": Terms.NET_60, "limit": "5000.00", "grace": 10, "overdue_days": 40},
}


def place_demo_order(company: Company, user, lines, po_number: str):
    """Place a portal order on account through the one order pipeline."""
    basket = Basket.objects.create(owner=user, site_id=2, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
    for product, quantity in lines:
        basket.add_product(product, quantity)
    ship_to = CompanyAddress.objects.filter(company=company, kind="ship_to", is_active=True).first()
    return order_place(
        basket=basket,
        request=CheckoutRequest(
            channel="portal",
            user=user,
            company=company,
            shipping_address=order_address_fields(ship_to),
            shipping_method_code="freight",
            payment_method="account",
            po_number=po_number,
        ),
    ).order


def _past_invoice(company: Company, *, overdue_days: int, terms: str) -> None:
    """An on-account order placed, shipped and invoiced so that it is now overdue."""
    buyer = (
        Membership.objects.filter(company=company, role=Membership.Role.BUYER, is_active=True)
        .select_related("user")
        .first()
    )
    products = list(
        Product.objects.filter(upc__startswith=UPC_PREFIX, stockrecords__num_in_stock__gte=50)
        .distinct()
        .order_by("upc")[3:6]
    )
    if buyer is None or not products:
        return
    order = place_demo_order(
        company, buyer.user, [(product, 3) for product in products], f"PO-{company.pk}-DEMO"
    )
    order_set_status(order=order, status="Shipped", note="demo history")
    invoice = invoice_for_shipped(order_id=order.pk)
    if invoice is None:
        return
    days_after_due = {Terms.NET_30: 30, Terms.NET_60: 60}.get(terms, 30)
    issued = timezone.localdate() - timedelta(days=overdue_days + days_after_due)
    Invoice.objects.filter(pk=invoice.pk).update(
        issued_on=issued, due_on=issued + timedelta(days=days_after_due)
    )
    type(order).objects.filter(pk=order.pk).update(
        date_placed=timezone.now() - timedelta(days=overdue_days + days_after_due + 2)
    )


@transaction.atomic
def seed_billing(companies: dict[str, Company]) -> None:
    for name, spec in ACCOUNTS.items():
        company = companies[name]
        account, created = CreditAccount.objects.get_or_create(
            company=company, defaults={"terms": spec["terms"], "grace_days": spec["grace"]}
        )
        if created:
            credit.credit_set_terms(
                account=account, actor=None, credit_limit=Decimal(spec["limit"])
            )
        if not account.invoices.exists():
            _past_invoice(company, overdue_days=spec["overdue_days"], terms=spec["terms"])
        account.refresh_from_db()
        if credit.overdue_beyond_grace(account) and not account.on_credit_hold:
            credit.credit_hold(
                account=account,
                reason=f"invoices overdue more than {account.grace_days} days",
                automatic=True,
            )
    gold = get_user_model().objects.filter(email="gold.consumer@example.com").first()
    if gold is not None:
        account, created = CreditAccount.objects.get_or_create(
            user=gold, defaults={"terms": Terms.NET_30}
        )
        if created:
            credit.credit_set_terms(account=account, actor=None, credit_limit=Decimal("300.00"))
