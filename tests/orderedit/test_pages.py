"""The "Edit order" pages: the order desk's and the portal's."""

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from accounts.addresses import order_address_fields
from commerce.checkout.placement import CheckoutRequest, order_place
from pricing.strategy import Selector
from tests import factories
from tests.helpers import page_queries

from .conftest import place, threshold

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def desk(user) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def portal(user) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(user)
    return client


def form_data(response, **changes):
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_the_desk_edits_an_order_through_its_form(company, people, clerk, bolts, nuts):
    order = place(company, people["buyer"].user, bolts, 2)
    client = desk(clerk)
    detail = client.get(f"/dashboard/orders/{order.number}/")
    assert b'id="edit_order"' in detail.content
    page = client.get(f"/dashboard/orders/{order.number}/edit/")
    line = order.lines.get()

    response = client.post(
        f"/dashboard/orders/{order.number}/edit/",
        form_data(page, **{f"line_{line.pk}": 3, "add_sku": nuts.upc, "add_quantity": 2}),
    )

    assert response.status_code == 302, response.context["form"].errors
    assert sorted(order.lines.values_list("quantity", flat=True)) == [2, 3]


def test_the_desk_form_shows_a_refusal_and_changes_nothing(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    client = desk(clerk)
    page = client.get(f"/dashboard/orders/{order.number}/edit/")
    bolts.stockrecords.update(num_in_stock=3)

    response = client.post(
        f"/dashboard/orders/{order.number}/edit/",
        form_data(page, **{f"line_{order.lines.get().pk}": 9}),
    )

    assert response.status_code == 400
    assert b"Not enough stock" in response.content
    assert order.lines.get().quantity == 2


def test_a_sales_rep_of_another_company_gets_a_404(company, people, bolts):
    from accounts import staff_policy

    order = place(company, people["buyer"].user, bolts, 2)
    rep = factories.UserFactory()
    staff_policy.staff_role_assign(user=rep, role_key="sales_rep")

    assert desk(rep).get(f"/dashboard/orders/{order.number}/edit/").status_code == 404


def test_the_buyer_edits_a_pending_order_on_the_portal(company, people, bolts):
    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 20)
    client = portal(people["buyer"].user)
    assert b'id="edit_order"' in client.get(f"/orders/{order.number}/").content
    page = client.get(f"/orders/{order.number}/edit/")

    response = client.post(
        f"/orders/{order.number}/edit/", form_data(page, **{f"line_{order.lines.get().pk}": 12})
    )

    assert response.status_code == 302
    assert order.lines.get().quantity == 12


def test_the_portal_has_no_edit_for_a_placed_order(company, people, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    client = portal(people["buyer"].user)

    assert b'id="edit_order"' not in client.get(f"/orders/{order.number}/").content
    response = client.get(f"/orders/{order.number}/edit/")
    assert response.status_code == 302 and response.url == f"/orders/{order.number}/"


def test_another_companys_order_is_a_404_on_the_portal(company, people, bolts):
    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 20)
    outsider = factories.MembershipFactory(company=factories.business("Globex"), role="admin")

    assert portal(outsider.user).get(f"/orders/{order.number}/edit/").status_code == 404


def test_edit_pages_cost_the_same_queries_for_one_line_or_six(company, people, clerk):
    threshold(company, "1.00")
    products = [factories.ProductFactory(stock=50, stock__price="5.00") for _ in range(6)]
    small = place(company, people["buyer"].user, products[0], 1)
    from oscar.core.loading import get_model

    from tests.helpers import place_portal_order  # noqa: F401  (one basket of six lines below)

    Basket = get_model("basket", "Basket")
    user = people["buyer"].user
    basket = Basket.objects.create(owner=user, site_id=settings.PORTAL_SITE_ID, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
    for product in products:
        basket.add_product(product, 1)
    big = order_place(
        basket=basket,
        request=CheckoutRequest(
            channel="portal",
            user=user,
            company=company,
            shipping_address=order_address_fields(company.addresses.get(kind="ship_to")),
            shipping_method_code="freight",
            payment_method="account",
        ),
    ).order

    buyer, staff = portal(user), desk(clerk)
    for client, prefix in ((buyer, ""), (staff, "/dashboard")):
        one, _ = page_queries(client, f"{prefix}/orders/{small.number}/edit/")
        six, _ = page_queries(client, f"{prefix}/orders/{big.number}/edit/")
        assert one == six, prefix
