"""A sales rep reaches only the companies they represent, on every dashboard and
admin URL that takes an id: another company's order, line, note, address,
member or approval is a 404 (never a page, never a change), and the sections
their role lacks are refused outright."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse
from oscar.core.loading import get_model

from accounts import staff_policy as roles
from accounts.models import AssistedSession, CompanyAddress, Membership
from accounts.staff_policy import ROLES
from commerce.quotes.services import quote_request
from tests import factories
from tests.backoffice.conftest import business, dashboard_client, pending_order, place_portal, staff

pytestmark = pytest.mark.django_db

OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")

# URL parameters that name a report or a kind of thing, not an object.
NOT_IDS = {"report", "product_class_slug", "slug"}


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def world(db):
    acme, globex = business("Acme Industrial"), business("Globex Supply")
    rep = staff("sales_rep", email="rep@example.com")
    acme.sales_reps.add(rep)
    order = place_portal(globex, net="80.00")
    note = OrderNote.objects.create(order=order, message="Call before delivery")
    approval = pending_order(globex).approval
    member = factories.MembershipFactory(company=globex, role="buyer")
    quote = quote_request(
        membership=member, lines=[(factories.ProductFactory(stock__price="5.00"), 2, None)]
    )
    return {
        "quote": quote,
        "rep": rep,
        "acme": acme,
        "globex": globex,
        "order": order,
        "note": note,
        "approval": approval,
        "member": member,
        "ship_to": globex.addresses.get(kind="ship_to"),
    }


def foreign_kwargs(world) -> dict[str, dict]:
    """Per URL name of the rep's sections: the kwargs naming Globex's objects
    (a two-level URL also gets Acme's own company with Globex's child)."""
    order, globex = world["order"], world["globex"]
    return {
        "order-detail": {"number": order.number},
        "order-detail-note": {"number": order.number, "note_id": world["note"].pk},
        "order-line-detail": {"number": order.number, "line_id": order.lines.first().pk},
        "order-shipping-address": {"number": order.number},
        "order-edit": {"number": order.number},
        "company-detail": {"pk": globex.pk},
        "company-update": {"pk": globex.pk},
        "company-status": {"pk": globex.pk},
        "company-sales-reps": {"pk": globex.pk},
        "company-member-add": {"pk": globex.pk},
        "company-member-update": {"pk": globex.pk, "membership_pk": world["member"].pk},
        "company-address-update": {"pk": globex.pk, "address_pk": world["ship_to"].pk},
        "company-member-assist": {"pk": globex.pk, "membership_pk": world["member"].pk},
        "approval-detail": {"pk": world["approval"].pk},
        "quote-detail": {"pk": world["quote"].pk},
    }


MIXED = {  # Acme's own company id with a Globex child id
    "company-member-update": "membership_pk",
    "company-address-update": "address_pk",
    "company-member-assist": "membership_pk",
}

POST_DATA = {
    "name": "Hijacked",
    "status": "on_hold",
    "email": "rep@example.com",
    "role": "admin",
    "is_active": "on",
    "line1": "99 Drop Street",
    "line4": "Elsewhere",
    "postcode": "99999",
    "last_name": "Thief",
    "country": "DE",
    "message": "rep was here",
    "action": "save_note",
    "sales_reps": [],
}


def parameters(pattern: URLPattern) -> set[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return set(converters)
    return set(re.compile(str(pattern.pattern)).groupindex)


def id_patterns():
    """(section label, URL name, id parameters) of every dashboard URL taking an id."""
    reverse("dashboard:index")  # builds the dashboard's URLs
    found = []
    for config in roles.dashboard_configs():
        for pattern in config.urls[0]:
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            ids = parameters(pattern) - NOT_IDS
            if ids:
                found.append((config.label, pattern.name, ids))
    return found


def assert_globex_untouched(world):
    globex, order = world["globex"], world["order"]
    globex.refresh_from_db()
    assert (globex.name, globex.status) == ("Globex Supply", "active")
    assert list(globex.sales_reps.all()) == []
    assert not Membership.objects.filter(company=globex, user=world["rep"]).exists()
    assert Membership.objects.get(pk=world["member"].pk).role == "buyer"
    assert CompanyAddress.objects.get(pk=world["ship_to"].pk).line1 != "99 Drop Street"
    assert ShippingAddress.objects.get(pk=order.shipping_address_id).line1 != "99 Drop Street"
    assert list(order.notes.values_list("message", flat=True)) == ["Call before delivery"]
    assert order.lines.count() == 1 and not AssistedSession.objects.exists()
    quote = world["quote"]
    quote.refresh_from_db()
    assert (quote.status, quote.events.count()) == ("requested", 1)


def test_every_id_url_of_the_reps_sections_is_covered(world):
    rep_sections = set(ROLES["sales_rep"].sections)
    names = {name for label, name, _ids in id_patterns() if label in rep_sections}

    assert names == set(foreign_kwargs(world))


def test_a_rep_gets_404_for_another_companys_objects_on_every_url(world):
    client = dashboard_client(world["rep"])
    rep_sections = set(ROLES["sales_rep"].sections)
    kwargs = foreign_kwargs(world)

    outcomes = {}
    for label, name, _ids in id_patterns():
        if label not in rep_sections:
            continue
        url = reverse(f"dashboard:{name}", kwargs=kwargs[name])
        outcomes[(name, "GET")] = client.get(url).status_code
        outcomes[(name, "POST")] = client.post(url, POST_DATA).status_code
        if name in MIXED:
            mixed = {**kwargs[name], "pk": world["acme"].pk}
            url = reverse(f"dashboard:{name}", kwargs=mixed)
            outcomes[(name, "POST own company")] = client.post(url, POST_DATA).status_code

    # POST-only views answer GET with 405 before looking anything up.
    assert {k: v for k, v in outcomes.items() if v not in (404, 405)} == {}
    assert {name for (name, _method), v in outcomes.items() if v == 404} == set(kwargs)
    assert_globex_untouched(world)


def test_the_reported_line_and_address_urls(world):
    client = dashboard_client(world["rep"])
    order = world["order"]
    line = order.lines.first()

    line_page = client.get(f"/dashboard/orders/{order.number}/lines/{line.pk}/")
    rewrite = client.post(
        f"/dashboard/orders/{order.number}/shipping-address/",
        {**POST_DATA, "first_name": "Rep"},
    )

    assert (line_page.status_code, rewrite.status_code) == (404, 404)
    assert_globex_untouched(world)


def test_the_rep_still_reaches_the_companies_they_represent(world):
    client = dashboard_client(world["rep"])
    mine = place_portal(world["acme"], net="80.00")
    line = mine.lines.first()

    assert client.get(f"/dashboard/orders/{mine.number}/lines/{line.pk}/").status_code == 200
    assert client.get(f"/dashboard/orders/{mine.number}/shipping-address/").status_code == 200
    assert client.get(f"/dashboard/companies/{world['acme'].pk}/").status_code == 200


def test_a_rep_is_refused_every_id_url_outside_their_sections(world):
    client = dashboard_client(world["rep"])
    rep_sections = set(ROLES["sales_rep"].sections)

    outcomes = {}
    for label, name, ids in id_patterns():
        if label in rep_sections:
            continue
        url = reverse(f"dashboard:{name}", kwargs=dict.fromkeys(ids, "1"))
        outcomes[name] = (client.get(url).status_code, client.post(url, POST_DATA).status_code)

    assert outcomes and {k: v for k, v in outcomes.items() if v != (403, 403)} == {}


def test_a_rep_reaches_no_admin_change_view(world):
    client = dashboard_client(world["rep"])
    scoped = [
        world["globex"],
        world["member"],
        world["ship_to"],
        world["order"],
        world["approval"],
        world["globex"].credit_account,
    ]

    outcomes = {}
    for obj in scoped:
        meta = obj._meta
        if obj.__class__ not in admin.site._registry:
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        outcomes[meta.label] = (client.get(url).status_code, client.post(url, {}).status_code)
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        outcomes[f"{meta.label} list"] = (client.get(url).status_code,)

    assert "accounts.Company" in outcomes
    assert {k: v for k, v in outcomes.items() if set(v) != {403}} == {}
    assert_globex_untouched(world)
