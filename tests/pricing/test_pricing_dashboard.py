"""Staff manage price lists, entries, tiers and loyalty settings; the price trace."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.models import LoyaltyTier
from tests import factories

PriceList = get_model("partner", "PriceList")
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


def test_create_a_contract_list_and_add_a_break(staff_client):
    company = factories.CompanyFactory(name="Acme")
    factories.ProductFactory(upc="BOLT-1")

    staff_client.post(
        "/dashboard/pricing/lists/new/",
        {
            "name": "Acme 2027",
            "code": "acme-2027",
            "kind": "contract",
            "company": company.pk,
            "currency": "EUR",
            "is_active": "on",
        },
    )
    contract = PriceList.objects.get(code="acme-2027")
    staff_client.post(
        f"/dashboard/pricing/lists/{contract.pk}/entries/new/",
        {"sku": "bolt-1", "min_quantity": 25, "unit_price": "3.10"},
    )

    assert list(contract.entries.values_list("product__upc", "min_quantity", "unit_price")) == [
        ("BOLT-1", 25, Decimal("3.10"))
    ]


def test_a_contract_list_needs_a_company_and_a_tier_list_must_not_have_one(staff_client):
    company = factories.CompanyFactory()

    contract = staff_client.post(
        "/dashboard/pricing/lists/new/",
        {"name": "X", "code": "x", "kind": "contract", "currency": "EUR"},
    )
    tier = staff_client.post(
        "/dashboard/pricing/lists/new/",
        {"name": "Y", "code": "y", "kind": "tier", "company": company.pk, "currency": "EUR"},
    )

    assert "belongs to a company" in contract.content.decode()
    assert "leave the company empty" in tier.content.decode()
    assert not PriceList.objects.exists()


def test_duplicate_break_and_unknown_sku_are_refused(staff_client):
    tier = factories.PriceListFactory()
    product = factories.ProductFactory(upc="DUP")
    factories.price(tier, product, "1.00", min_quantity=5)

    dup = staff_client.post(
        f"/dashboard/pricing/lists/{tier.pk}/entries/new/",
        {"sku": "DUP", "min_quantity": 5, "unit_price": "2.00"},
    )
    unknown = staff_client.post(
        f"/dashboard/pricing/lists/{tier.pk}/entries/new/",
        {"sku": "NOPE", "min_quantity": 1, "unit_price": "2.00"},
    )
    negative = staff_client.post(
        f"/dashboard/pricing/lists/{tier.pk}/entries/new/",
        {"sku": "DUP", "min_quantity": 1, "unit_price": "-2"},
    )

    assert "already has this break" in dup.content.decode()
    assert "No product with this SKU" in unknown.content.decode()
    assert negative.status_code == 200
    assert tier.entries.count() == 1


def test_edit_and_delete_an_entry(staff_client):
    tier = factories.PriceListFactory()
    entry = factories.price(tier, factories.ProductFactory(upc="E-1"), "1.00")

    staff_client.post(
        f"/dashboard/pricing/lists/{tier.pk}/entries/{entry.pk}/",
        {"sku": "E-1", "min_quantity": 1, "unit_price": "1.25"},
    )
    entry.refresh_from_db()
    assert entry.unit_price == Decimal("1.25")
    staff_client.post(f"/dashboard/pricing/lists/{tier.pk}/entries/{entry.pk}/delete/")
    assert not tier.entries.exists()


def test_an_entry_of_another_list_is_not_found(staff_client):
    entry = factories.price(factories.PriceListFactory(), factories.ProductFactory(), "1.00")
    other = factories.PriceListFactory()

    assert (
        staff_client.post(
            f"/dashboard/pricing/lists/{other.pk}/entries/{entry.pk}/delete/"
        ).status_code
        == 404
    )


def test_assign_a_company_to_a_tier(staff_client):
    company = factories.CompanyFactory(name="Globex", tax_id="GB1")
    bronze = factories.PriceListFactory(name="Bronze")

    staff_client.post(
        f"/dashboard/companies/{company.pk}/edit/",
        {"name": "Globex", "tax_id": "GB1", "email": "", "phone": "", "price_tier": bronze.pk},
    )

    company.refresh_from_db()
    assert company.price_tier == bronze
    assert company.events.get().data["price_tier"] == "Bronze"


def test_a_contract_list_cannot_be_a_tier(staff_client):
    company = factories.CompanyFactory(name="Globex", tax_id="GB1")
    contract = factories.contract_list(factories.CompanyFactory())

    response = staff_client.post(
        f"/dashboard/companies/{company.pk}/edit/",
        {"name": "Globex", "tax_id": "GB1", "email": "", "phone": "", "price_tier": contract.pk},
    )

    assert response.status_code == 400
    company.refresh_from_db()
    assert company.price_tier is None


def test_the_trace_explains_a_company_price(staff_client):
    company = factories.CompanyFactory(
        name="Acme", price_tier=factories.PriceListFactory(name="Gold distributor")
    )
    product = factories.ProductFactory(upc="T-1", stock__price="10.00")
    factories.price(company.price_tier, product, "8.50")

    page = staff_client.get(
        "/dashboard/pricing/why/", {"sku": "T-1", "quantity": 3, "company": company.pk}
    )

    text = page.content.decode()
    assert page.context["quote"].rule == "tier"
    assert "Gold distributor price" in text
    assert "tier list &#x27;Gold distributor&#x27;" in text


def test_the_trace_explains_a_consumer_price_and_validates_input(staff_client):
    factories.ProductFactory(upc="T-2")

    ok = staff_client.get("/dashboard/pricing/why/", {"sku": "T-2", "quantity": 1})
    bad = staff_client.get(
        "/dashboard/pricing/why/", {"sku": "NOPE", "quantity": 0, "consumer": "nobody@example.com"}
    )

    assert ok.context["quote"].rule == "list"
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"sku", "quantity", "consumer"}


def test_loyalty_tiers_are_edited_and_recomputed(staff_client):
    staff_client.post(
        "/dashboard/pricing/loyalty/new/",
        {
            "name": "Gold",
            "code": "gold",
            "rank": 2,
            "discount_percent": "5",
            "min_spend": "1000",
            "min_orders": 6,
            "max_return_rate": "0.1",
            "is_active": "on",
        },
    )
    response = staff_client.post("/dashboard/pricing/loyalty/recompute/", follow=True)

    assert LoyaltyTier.objects.get().discount_percent == Decimal("5")
    assert "Tiers recomputed" in response.content.decode()


def test_loyalty_discount_above_100_percent_is_refused(staff_client):
    response = staff_client.post(
        "/dashboard/pricing/loyalty/new/",
        {
            "name": "X",
            "code": "x",
            "rank": 1,
            "discount_percent": "150",
            "min_spend": "0",
            "min_orders": 0,
            "max_return_rate": "1",
        },
    )

    assert response.status_code == 200
    assert not LoyaltyTier.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/pricing/lists/",
        "/dashboard/pricing/lists/new/",
        "/dashboard/pricing/why/",
        "/dashboard/pricing/loyalty/",
        "/dashboard/imports/",
    ],
)
def test_pricing_pages_are_staff_only(storefront_client, path):
    assert storefront_client.get(path).status_code == 302
    storefront_client.force_login(factories.StaffFactory())
    assert storefront_client.get(path).status_code == 200


def test_django_admin_has_price_lists(staff_client):
    factories.PriceListFactory()

    assert staff_client.get("/admin/partner/pricelist/").status_code == 200
    assert staff_client.get("/admin/accounts/loyaltytier/").status_code == 200


def test_the_trace_names_the_promotion_and_a_voucher(staff_client):
    Promotion = get_model("partner", "Promotion")
    company = factories.CompanyFactory(name="Acme")
    factories.ProductFactory(upc="T-3", stock__price="10.00")
    Promotion.objects.create(name="Acme spring promotion", company=company, percent_off=7)
    Promotion.objects.create(name="Welcome", code="WELCOME10", site="storefront", percent_off=10)

    portal = staff_client.get(
        "/dashboard/pricing/why/", {"sku": "T-3", "quantity": 1, "company": company.pk}
    )
    storefront = staff_client.get(
        "/dashboard/pricing/why/", {"sku": "T-3", "quantity": 1, "voucher": "welcome10"}
    )

    assert portal.context["quote"].rule == "promotion"
    assert "Acme spring promotion" in portal.content.decode()
    assert storefront.context["quote"].reason == "Welcome (voucher WELCOME10) \u221210%"
    assert 'id="trace_promotion"' in storefront.content.decode()
