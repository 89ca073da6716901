"""Staff set where a product is sold, its quantity rules and who sees it, restrict
categories and keep assortments, in the dashboard and the admin."""

import pytest
from oscar.core.loading import get_model

from tests import factories

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Assortment = get_model("catalogue", "Assortment")

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory(is_superuser=True))
    return storefront_client


def product_form_data(product, category, **overrides):
    data = {
        "title": product.title,
        "upc": product.upc,
        "description": "",
        "is_public": "on",
        "is_discountable": "on",
        "structure": "standalone",
        "slug": product.slug,
        "channels": "both",
        "min_order_quantity": "1",
        "order_multiple": "1",
        "max_order_quantity": "",
        "stockrecords-TOTAL_FORMS": "0",
        "stockrecords-INITIAL_FORMS": "0",
        "productcategory_set-TOTAL_FORMS": "1",
        "productcategory_set-INITIAL_FORMS": "0",
        "productcategory_set-0-category": str(category.pk),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "primary_recommendations-TOTAL_FORMS": "0",
        "primary_recommendations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_the_product_form_sets_channels_quantity_rules_and_audience(staff_client):
    product = factories.ProductFactory(stock=False)
    company = factories.CompanyFactory(name="Acme")
    gold = factories.PriceListFactory(name="Gold")

    page = staff_client.get(f"/dashboard/catalogue/products/{product.pk}/")
    response = staff_client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        product_form_data(
            product,
            factories.make_category("Tools"),
            channels="portal",
            min_order_quantity="10",
            order_multiple="5",
            max_order_quantity="100",
            visible_to_companies=[company.pk],
            visible_to_tiers=[gold.pk],
        ),
    )

    assert page.status_code == 200
    assert 'name="channels"' in page.content.decode()
    assert response.status_code == 302, {
        k: (getattr(v, "errors", None), getattr(v, "non_form_errors", lambda: None)())
        for k, v in response.context[0].flatten().items()
        if hasattr(v, "errors")
    }
    product.refresh_from_db()
    assert (product.channels, product.min_order_quantity, product.order_multiple) == (
        "portal",
        10,
        5,
    )
    assert product.max_order_quantity == 100
    assert list(product.visible_to_companies.all()) == [company]
    assert list(product.visible_to_tiers.all()) == [gold]


def test_the_product_form_refuses_a_maximum_below_the_minimum(staff_client):
    product = factories.ProductFactory(stock=False)

    response = staff_client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        product_form_data(
            product,
            factories.make_category("Tools"),
            min_order_quantity="10",
            max_order_quantity="5",
        ),
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.min_order_quantity == 1


def test_the_category_form_restricts_a_category(staff_client):
    category = factories.make_category("Secret")
    company = factories.CompanyFactory(name="Acme")

    response = staff_client.post(
        f"/dashboard/catalogue/categories/{category.pk}/update/",
        {
            "name": "Secret",
            "slug": "secret",
            "description": "",
            "is_public": "on",
            "visible_to_companies": [company.pk],
            "treebeard_position": "first-child",
            "treebeard_ref_node": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert list(category.visible_to_companies.all()) == [company]


def test_assortments_are_created_listed_edited_and_deleted(staff_client):
    product = factories.ProductFactory(stock=False)
    company = factories.CompanyFactory(name="Acme")

    created = staff_client.post(
        "/dashboard/catalogue/assortments/create/",
        {"name": "Acme specials", "products": [product.pk], "companies": [company.pk]},
    )
    assortment = Assortment.objects.get()
    listed = staff_client.get("/dashboard/catalogue/assortments/")
    edited = staff_client.post(
        f"/dashboard/catalogue/assortments/{assortment.pk}/",
        {"name": "Acme only", "products": [product.pk], "companies": []},
    )
    assortment.refresh_from_db()

    assert created.status_code == 302
    assert listed.status_code == 200 and "Acme specials" in listed.content.decode()
    assert edited.status_code == 302
    assert (assortment.name, assortment.companies.count()) == ("Acme only", 0)
    assert (
        staff_client.post(f"/dashboard/catalogue/assortments/{assortment.pk}/delete/").status_code
        == 302
    )
    assert not Assortment.objects.exists()


def test_an_assortment_needs_a_unique_name(staff_client):
    Assortment.objects.create(name="Acme specials")

    response = staff_client.post(
        "/dashboard/catalogue/assortments/create/", {"name": "Acme specials"}
    )

    assert response.status_code == 200
    assert Assortment.objects.count() == 1


def test_customers_cannot_reach_assortments(storefront_client):
    storefront_client.force_login(factories.UserFactory())

    assert storefront_client.get("/dashboard/catalogue/assortments/").status_code in (302, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalogue/product/add/",
        "/admin/catalogue/category/add/",
        "/admin/catalogue/assortment/",
        "/admin/catalogue/assortment/add/",
    ],
)
def test_the_admin_edits_visibility(staff_client, path):
    response = staff_client.get(path)

    assert response.status_code == 200
    assert "visible_to_companies" in response.content.decode() or "assortment" in path


def test_demo_data_has_channel_products_and_an_acme_assortment():
    from django.core.management import call_command

    from accounts.models import Company
    from catalog import visibility

    call_command("seed_demo", products=30, no_progress=True, no_images=True)
    call_command("seed_demo", products=30, no_progress=True, no_images=True)  # idempotent
    acme = Company.objects.get(name="Acme Industrial")
    globex = Company.objects.get(name="Globex Supply")
    assortment = Assortment.objects.get(name="Acme engineered parts")

    def visible(site, company):
        return set(
            visibility.visible_products(
                Product.objects.all(), site=site, company=company
            ).values_list("upc", flat=True)
        )

    assert Product.objects.filter(channels="portal").count() == 4
    assert Product.objects.filter(channels="storefront").count() == 1
    assortment_upcs = set(assortment.products.values_list("upc", flat=True))
    assert len(assortment_upcs) == 4
    assert assortment_upcs <= visible("portal", acme)
    assert not assortment_upcs & visible("portal", globex)
    assert not assortment_upcs & visible("storefront", None)
