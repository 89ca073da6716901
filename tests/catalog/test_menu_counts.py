"""Menu counts taken in the database (``catalog.menu``): a product counts once per
subtree, and the one- and two-level menus of a page share one count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import menu
from tests import factories

ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = pytest.mark.django_db


def test_menu_counts_a_product_filed_twice_in_one_subtree_once(world):
    drills = factories.make_category("Drills", parent=world.tools)
    saws = factories.make_category("Saws", parent=world.tools)
    both = factories.ProductFactory(title="Drill saw", category=drills, stock=1)
    ProductCategory.objects.create(product=both, category=saws)

    counts = {n["name"]: n["count"] for n in menu.menu(2, site="storefront", company=None)}

    # Tools: open, store_only (filed directly) and the drill saw, once.
    assert (counts["Tools"], counts["Drills"], counts["Saws"]) == (3, 1, 1)


def test_the_one_and_two_level_menus_share_one_count(world):
    menu.menu(2, site="storefront", company=None)

    with CaptureQueriesContext(connection) as ctx:
        shallow = menu.menu(1, site="storefront", company=None)

    assert not [q for q in ctx.captured_queries if "catalogue_productcategory" in q["sql"]]
    assert {n["name"]: n["count"] for n in shallow}["Tools"] == 2
