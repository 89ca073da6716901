"""A small catalog with every kind of visibility rule, and one buyer per audience.

* ``open``: sold on both sites to everyone
* ``portal_only`` / ``store_only``: sold on one site
* ``for_a``: restricted to company A; ``for_gold``: restricted to the Gold tier
* ``secret``: filed in a child of the "Secret" category, restricted to company B
* ``assorted``: in the "A specials" assortment (company A)
"""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from tests import factories

Assortment = get_model("catalogue", "Assortment")


@pytest.fixture
def world(db):
    gold = factories.PriceListFactory(name="Gold", code="gold")
    company_a = factories.business("Company A")
    company_b = factories.business("Company B")
    company_g = factories.business("Gold Co", price_tier=gold)

    tools = factories.make_category("Tools")
    secret = factories.make_category("Secret")
    secret_child = factories.make_category("Secret drills", parent=secret)
    secret.visible_to_companies.add(company_b)

    def product(title, category=tools, **fields):
        made = factories.ProductFactory(title=title, category=category, stock=100, **fields)
        return made

    products = SimpleNamespace(
        open=product("Widget open"),
        portal_only=product("Widget portal", channels="portal"),
        store_only=product("Widget store", channels="storefront"),
        for_a=product("Widget for A"),
        for_gold=product("Widget for Gold"),
        secret=product("Widget secret", category=secret_child),
        assorted=product("Widget assorted"),
    )
    products.for_a.visible_to_companies.add(company_a)
    products.for_gold.visible_to_tiers.add(gold)
    specials = Assortment.objects.create(name="A specials")
    specials.products.add(products.assorted)
    specials.companies.add(company_a)
    return SimpleNamespace(
        a=company_a,
        b=company_b,
        g=company_g,
        gold=gold,
        tools=tools,
        secret=secret,
        secret_child=secret_child,
        specials=specials,
        p=products,
    )


def portal_client_for(company, role="buyer") -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(factories.MembershipFactory(company=company, role=role).user)
    return client


@pytest.fixture
def clients(world, storefront_client):
    return {
        "consumer": storefront_client,
        "A": portal_client_for(world.a),
        "B": portal_client_for(world.b),
        "Gold": portal_client_for(world.g),
    }


# Who sees which product (titles), per audience.
EXPECTED = {
    "consumer": {"Widget open", "Widget store"},
    "A": {"Widget open", "Widget portal", "Widget for A", "Widget assorted"},
    "B": {"Widget open", "Widget portal", "Widget secret"},
    "Gold": {"Widget open", "Widget portal", "Widget for Gold"},
}
