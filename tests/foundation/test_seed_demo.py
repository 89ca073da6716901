"""The demo data command: the documented sign-ins exist, and running it twice changes nothing."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from oscar.core.loading import get_model

from accounts.models import Company, Membership

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")

pytestmark = pytest.mark.django_db

DEMO_SIGN_INS = {
    "staff@example.com": None,
    "consumer@example.com": None,
    "admin@acme.example": ("Acme Industrial", "admin"),
    "approver@acme.example": ("Acme Industrial", "approver"),
    "buyer@acme.example": ("Acme Industrial", "buyer"),
    "viewer@acme.example": ("Acme Industrial", "viewer"),
    "admin@globex.example": ("Globex Supply", "admin"),
    "buyer@globex.example": ("Globex Supply", "buyer"),
}


def seed(products=30):
    call_command("seed_demo", products=products, no_progress=True)


def test_demo_sign_ins_work_with_the_demo_password():
    seed()

    for email, company_role in DEMO_SIGN_INS.items():
        user = authenticate(
            RequestFactory().post("/accounts/login/"), username=email, password="demo-pass-2026"
        )
        assert user is not None, email
        if company_role:
            company, role = company_role
            assert Membership.objects.filter(user=user, company__name=company, role=role).exists()
    staff = authenticate(
        RequestFactory().post("/accounts/login/"),
        username="staff@example.com",
        password="demo-pass-2026",
    )
    assert staff.is_staff and staff.is_superuser


def test_both_is_a_buyer_in_both_companies():
    seed()

    memberships = Membership.objects.filter(user__email="both@example.com")
    assert {(m.company.name, m.role) for m in memberships} == {
        ("Acme Industrial", "buyer"),
        ("Globex Supply", "buyer"),
    }


def test_catalog_has_products_in_a_tree_with_stock_in_two_warehouses():
    seed(products=30)

    assert Product.objects.count() == 30
    assert Partner.objects.count() == 2
    assert StockRecord.objects.count() == 60
    product = Product.objects.first()
    assert product.categories.get().depth == 2
    assert product.images.count() == 1


def test_running_it_twice_changes_nothing():
    seed(products=30)
    counts = (Product.objects.count(), StockRecord.objects.count(), Company.objects.count())

    seed(products=30)

    assert (Product.objects.count(), StockRecord.objects.count(), Company.objects.count()) == counts


def test_a_bigger_size_tops_up_the_catalog():
    seed(products=20)
    call_command("seed_demo", products=45, no_progress=True, no_images=True)

    assert Product.objects.count() == 45


def test_demo_promotions_show_in_why_this_price():
    from commerce import sites
    from commerce.demo.promotions import ACME_PROMOTION, WELCOME
    from pricing.strategy import Selector

    Promotion = get_model("partner", "Promotion")
    seed()
    welcome = Promotion.objects.get(code=WELCOME)
    acme_promotion = Promotion.objects.get(name=ACME_PROMOTION)
    acme = Company.objects.get(name="Acme Industrial")
    product = acme_promotion.products.order_by("upc").first()

    assert (welcome.site, welcome.percent_off) == ("storefront", 10)
    assert acme_promotion.company == acme and acme_promotion.site == "portal"
    portal = Selector().strategy(channel=sites.PORTAL, company=acme).quote(product)
    voucher = Selector().strategy(channel=sites.STOREFRONT).book.quote(product, 1, (WELCOME,))
    globex = Company.objects.get(name="Globex Supply")
    other = Selector().strategy(channel=sites.PORTAL, company=globex).quote(product)
    assert portal.promotion_name == ACME_PROMOTION and ACME_PROMOTION in portal.reason
    assert "WELCOME10" in voucher.reason
    assert other.promotion_id is None
