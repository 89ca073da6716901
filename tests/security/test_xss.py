"""Stored XSS through product descriptions: a hostile description never reaches a
page as live markup, whichever door it came in by."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model

from commerce.imports.models import ImportJob
from tests import factories
from tests.catalog.test_staff_editing import product_form_data

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '<p>Solid <strong>steel</strong></p><img src=x onerror="alert(document.cookie)">'
    "<script>alert('xss')</script>"
    '<a href="javascript:alert(1)" onclick="alert(2)">manual</a>'
    '<a href="https://example.com/manual.pdf" title="Manual">PDF</a>'
)


def description_of(page: str) -> str:
    """The product page's description section (the page has scripts of its own)."""
    return page.split('id="product_description"', 1)[1].split("Specifications", 1)[0]


def assert_defused(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "<img", "alert('xss')"):
        assert needle not in lowered, needle


def test_a_hostile_description_from_a_csv_import_never_runs_on_the_product_page(
    storefront_client, committed
):
    factories.ProductClassFactory(name="Tools", slug="tools")
    staff = factories.StaffFactory()
    storefront_client.force_login(staff)
    content = (
        "sku,title,product_class,description\n"
        f'X-1,Drill,Tools,"{PAYLOAD.replace(chr(34), chr(34) * 2)}"\n'
    ).encode()
    with committed():
        storefront_client.post(
            "/dashboard/catalogue/products/import/",
            {"file": SimpleUploadedFile("p.csv", content, "text/csv")},
        )
    job = ImportJob.objects.latest("pk")
    with committed():
        storefront_client.post(f"/dashboard/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == "done", job.errors
    product = Product.objects.get(upc="X-1")

    # Stored clean: the allowed markup stays, the rest is gone.
    assert_defused(product.description)
    assert "<strong>steel</strong>" in product.description
    assert 'href="https://example.com/manual.pdf"' in product.description

    storefront_client.logout()
    page = storefront_client.get(product.get_absolute_url()).content.decode()
    assert "<strong>steel</strong>" in page
    assert_defused(description_of(page))


def test_a_description_stored_before_the_sanitiser_is_defused_when_rendered(storefront_client):
    product = factories.ProductFactory(description=PAYLOAD)

    response = storefront_client.get(product.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>steel</strong>" in page
    assert_defused(description_of(page))


def test_the_dashboard_product_form_stores_a_sanitised_description(storefront_client):
    product = factories.ProductFactory(title="Drill", stock=False)
    category = factories.make_category("Tools")
    storefront_client.force_login(factories.StaffFactory())
    data = product_form_data(product, category, description=PAYLOAD)

    response = storefront_client.post(f"/dashboard/catalogue/products/{product.pk}/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert_defused(product.description)
    assert "<strong>steel</strong>" in product.description


def test_the_admin_stores_a_sanitised_description(storefront_client):
    product = factories.ProductFactory(title="Drill", stock=False)
    storefront_client.force_login(factories.StaffFactory())
    url = f"/admin/catalogue/product/{product.pk}/change/"
    form = storefront_client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [v for v in value] if isinstance(value, list | tuple) else value
    for context_formset in storefront_client.get(url).context["inline_admin_formsets"]:
        formset = context_formset.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = 0
        data[f"{formset.prefix}-INITIAL_FORMS"] = 0
    data["description"] = PAYLOAD

    response = storefront_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert_defused(product.description)
    assert "<strong>steel</strong>" in product.description


def test_the_dashboard_category_form_stores_a_sanitised_description(storefront_client):
    category = factories.make_category("Tools")
    storefront_client.force_login(factories.StaffFactory())

    response = storefront_client.post(
        f"/dashboard/catalogue/categories/{category.pk}/update/",
        {
            "name": "Tools",
            "slug": "tools",
            "description": PAYLOAD,
            "is_public": "on",
            "treebeard_position": "first-child",
            "treebeard_ref_node": "",
        },
    )

    assert response.status_code == 302
    category.refresh_from_db()
    assert_defused(category.description)
    assert "<strong>steel</strong>" in category.description


def test_a_hostile_rich_text_attribute_is_defused_on_the_product_page(storefront_client):
    product = factories.ProductFactory()
    notes = ProductAttribute.objects.create(
        product_class=product.product_class, name="Notes", code="notes", type="richtext"
    )
    ProductAttributeValue.objects.create(product=product, attribute=notes, value_richtext=PAYLOAD)

    page = storefront_client.get(product.get_absolute_url()).content.decode()

    info = page.split("Specifications", 1)[1]
    assert "<strong>steel</strong>" in info
    assert_defused(info.split("</table>", 1)[0])


def test_a_category_description_stored_before_the_sanitiser_is_defused_on_its_page(
    storefront_client,
):
    category = factories.make_category("Drills")
    # Written straight to the database, as a row from before the sanitiser would be.
    type(category).objects.filter(pk=category.pk).update(
        description=PAYLOAD, long_description=PAYLOAD
    )
    factories.ProductFactory(category=category)

    response = storefront_client.get(category.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode().lower()
    for needle in ("onerror", "onclick", "javascript:", "<img src=x", "alert('xss')"):
        assert needle not in page, needle
    assert page.count("<strong>steel</strong>") == 2
