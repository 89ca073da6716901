"""Dashboard pages that used to break: sortable headers of display-only columns,
the order desk's filters after a bulk status change, the import check page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from oscar.core.loading import get_model

from commerce.imports.models import ImportJob
from tests import factories
from tests.backoffice.conftest import dashboard_client, place_portal, staff

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

LIST_PAGES = [
    "/dashboard/catalogue/",
    "/dashboard/catalogue/categories/",
    "/dashboard/users/",
    "/dashboard/catalogue/attribute-option-group/",
    "/dashboard/catalogue/option/",
    "/dashboard/orders/",
    "/dashboard/partners/",
    "/dashboard/offers/",
    "/dashboard/vouchers/",
    "/dashboard/ranges/",
    "/dashboard/reviews/",
    "/dashboard/pages/",
]


@pytest.fixture
def boss():
    return dashboard_client(factories.StaffFactory())


@pytest.fixture
def catalog():
    tools = factories.make_category("Tools")
    tools.add_child(name="Wrenches")
    factories.ProductFactory(title="Torque wrench", category=tools, stock=5)
    factories.UserFactory(email="someone@example.com")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/catalogue/?sort=checkbox",
        "/dashboard/catalogue/?sort=-checkbox",
        "/dashboard/catalogue/?sort=actions",
        "/dashboard/catalogue/categories/?sort=checkbox",
        "/dashboard/users/?sort=actions",
        "/dashboard/users/?sort=check",
    ],
)
def test_sorting_by_a_display_only_column_is_ignored(boss, catalog, url):
    response = boss.get(url)

    assert response.status_code == 200


def test_a_child_category_list_sorted_by_the_checkbox_column_renders(boss, catalog):
    root = get_model("catalogue", "Category").objects.get(name="Tools")

    response = boss.get(f"/dashboard/catalogue/categories/{root.pk}/?sort=checkbox")

    assert response.status_code == 200
    assert "Wrenches" in response.content.decode()


def test_every_sort_link_on_the_list_pages_answers(boss, catalog):
    checked = 0
    for page in LIST_PAGES:
        response = boss.get(page)
        assert response.status_code == 200, page
        links = set(re.findall(r'href="\?([^"]*sort=[^"]*)"', response.content.decode()))
        for query in links:
            sorted_page = boss.get(page + "?" + query.replace("&amp;", "&"))
            assert sorted_page.status_code == 200, (page, query)
            checked += 1
        assert "sort=checkbox" not in response.content.decode(), page
    assert checked > 5


def test_a_sortable_column_still_sorts(boss, catalog):
    factories.ProductFactory(title="Angle grinder")

    response = boss.get("/dashboard/catalogue/?sort=title")

    titles = [row.record.title for row in response.context["products"].page.object_list]
    assert titles == sorted(titles)


def test_a_bulk_status_change_returns_to_the_filtered_list(acme, globex):
    desk = dashboard_client(staff("credit_controller"))
    order = place_portal(acme)
    place_portal(globex)
    filters = f"company={acme.pk}&sort=number"

    response = desk.post(
        f"/dashboard/orders/?{filters}",
        {
            "action": "change_order_statuses",
            "new_status": "Processing",
            "selected_order": [order.pk],
        },
    )

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/dashboard/orders/"
    assert parse_qs(location.query) == {"company": [str(acme.pk)], "sort": ["number"]}
    listed = desk.get(response["Location"])
    assert {str(o.number) for o in listed.context["orders"]} == {str(order.number)}
    assert Order.objects.get(pk=order.pk).status == "Processing"


def test_a_refused_bulk_change_also_keeps_the_filters(acme):
    desk = dashboard_client(staff("credit_controller"))
    order = place_portal(acme)

    response = desk.post(
        f"/dashboard/orders/?company={acme.pk}",
        {
            "action": "change_order_statuses",
            "new_status": "Teleported",
            "selected_order": [order.pk],
        },
    )

    assert response["Location"] == f"/dashboard/orders/?company={acme.pk}"
    assert Order.objects.get(pk=order.pk).status == "Placed"


def test_the_import_check_page_labels_its_summary(boss):
    job = ImportJob.objects.create(
        kind="products",
        filename="p.csv",
        status=ImportJob.Status.READY,
        total_rows=3,
        summary={
            "products_in_file": 3,
            "products_updated": 1,
            "products_created": 2,
            "columns": "sku, title",
        },
    )

    page = boss.get(f"/dashboard/imports/{job.pk}/").content.decode()

    summary = page.split('id="job_summary"')[1].split("</table>")[0]
    assert "Products in the file" in summary and "New products" in summary
    assert "Existing products updated" in summary and "Columns read" in summary
    assert "products_in_file" not in summary and "products_created" not in summary


def test_the_price_import_check_page_names_the_mode(boss):
    job = ImportJob.objects.create(
        kind="prices",
        filename="p.csv",
        status=ImportJob.Status.READY,
        summary={"price_list": "Gold", "mode": "replace", "entries_in_file": 4},
    )

    page = boss.get(f"/dashboard/imports/{job.pk}/").content.decode()

    assert "Replace the whole list" in page and "Price entries in the file" in page
    assert "entries_in_file" not in page


@pytest.mark.parametrize(
    "role", ["administrator", "catalog_manager", "credit_controller", "sales_rep", None]
)
def test_the_dashboard_home_links_only_to_pages_the_role_may_open(role, acme):
    user = staff(role) if role else factories.StaffFactory()
    if role == "sales_rep":
        from accounts.services import company_set_sales_reps

        company_set_sales_reps(company=acme, reps=[user], actor=None)
    client = dashboard_client(user)

    home = client.get("/dashboard/")

    assert home.status_code == 200
    links = set(re.findall(r'href="(/dashboard/[^"#?]*)"', home.content.decode()))
    assert links
    refused = [url for url in links if client.get(url).status_code >= 400]
    assert refused == []
