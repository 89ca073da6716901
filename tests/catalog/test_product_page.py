"""The product page on both sites: the buy box (price, quantity, add) before
the gallery, the SKU labelled as SKU, a specifications table from the
product's attributes; and the demo pictures are drawings of products."""

import io

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model
from PIL import Image

from commerce.demo.catalog import product_spec, render_image
from tests import factories

pytestmark = pytest.mark.django_db

ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


@pytest.fixture
def product():
    product = factories.ProductFactory(
        title="Cordless drill 18 V",
        upc="NW-000042",
        stock=20,
        category=factories.make_category("Power tools"),
    )
    brand = ProductAttribute.objects.create(
        product_class=product.product_class, name="Brand", code="brand", type="text"
    )
    weight = ProductAttribute.objects.create(
        product_class=product.product_class, name="Weight (g)", code="weight", type="integer"
    )
    ProductAttributeValue.objects.create(product=product, attribute=brand, value_text="Voltra")
    ProductAttributeValue.objects.create(product=product, attribute=weight, value_integer=1500)
    return product


def storefront_page(product) -> str:
    response = Client(HTTP_HOST=settings.STOREFRONT_HOST).get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def portal_page(product) -> str:
    company = factories.business("Acme Industrial")
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(factories.MembershipFactory(company=company, role="buyer").user)
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("render", [storefront_page, portal_page], ids=["storefront", "portal"])
def test_the_product_page_has_a_buy_box_with_quantity_sku_and_specifications(product, render):
    page = render(product)

    buy_box = page.split('id="buy_box"', 1)[1].split("</article>", 1)[0]
    assert 'id="product_price"' in buy_box
    assert 'name="quantity"' in buy_box
    assert 'id="add_to_basket_form"' in buy_box
    assert 'id="product_sku">NW-000042<' in buy_box
    # The buy box comes first on a phone (order-1), the gallery after it.
    assert "order-1" in page.split('id="buy_box"', 1)[0].rsplit("<div", 1)[1]
    specs = page.split('id="product_specs"', 1)[1].split("</table>", 1)[0]
    assert ">SKU<" in specs and "NW-000042" in specs
    assert ">Brand<" in specs and "Voltra" in specs
    assert ">Weight (g)<" in specs and "1500" in specs
    assert "Power tools" in specs
    assert ">UPC<" not in page


def test_the_page_has_a_main_landmark_and_a_skip_link(product):
    page = storefront_page(product)

    assert '<main class="container page" id="main">' in page
    assert 'href="#main"' in page


@pytest.mark.parametrize("index", range(6))
def test_demo_pictures_are_drawings_not_text_tiles(index):
    spec = product_spec(index)

    image = Image.open(io.BytesIO(render_image(spec)))

    assert image.size == (480, 480)
    # A light studio background with the object in the middle.
    assert sum(image.getpixel((5, 5))) > 700
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert len(colours) > 50
