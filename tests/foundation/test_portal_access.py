"""Portal sign-in and who gets in."""

import pytest

from accounts.models import Company
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(portal_client):
    response = portal_client.get("/catalogue/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fcatalogue%2F"


def test_member_signs_in_and_lands_on_the_company_home(portal_client, buyer, acme):
    response = portal_client.post(
        "/sign-in/", {"username": buyer.email, "password": factories.PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.wsgi_request.company == acme
    assert "Acme Industrial" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(portal_client, buyer):
    response = portal_client.post("/sign-in/", {"username": buyer.email, "password": "nope"})

    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower() or response.context["form"].errors
    assert not response.wsgi_request.user.is_authenticated


def test_consumer_without_company_gets_no_portal_pages(portal_client):
    consumer = factories.UserFactory()
    portal_client.force_login(consumer)

    response = portal_client.get("/catalogue/")

    assert response.status_code == 403
    assert "not an active member" in response.content.decode()


def test_deactivated_member_is_shut_out(portal_client, acme):
    membership = factories.MembershipFactory(company=acme, is_active=False)
    portal_client.force_login(membership.user)

    assert portal_client.get("/").status_code == 403


def test_members_of_a_closed_company_are_shut_out(portal_client):
    membership = factories.MembershipFactory(company__status=Company.Status.CLOSED)
    portal_client.force_login(membership.user)

    assert portal_client.get("/").status_code == 403


def test_pending_company_members_browse_but_are_told_they_cannot_order(portal_client):
    membership = factories.MembershipFactory(company__status=Company.Status.PENDING)
    portal_client.force_login(membership.user)

    response = portal_client.get("/")

    assert response.status_code == 200
    assert "awaiting approval" in response.content.decode()


def test_member_of_two_companies_switches_the_active_one(portal_client, acme):
    globex = factories.CompanyFactory(name="Globex Supply")
    user = factories.MembershipFactory(company=acme).user
    factories.MembershipFactory(user=user, company=globex)
    portal_client.force_login(user)

    first = portal_client.get("/")
    switched = portal_client.post("/company/switch/", {"company": globex.pk}, follow=True)

    assert first.wsgi_request.company == acme
    assert switched.wsgi_request.company == globex
    assert portal_client.get("/").wsgi_request.company == globex


def test_switching_to_someone_elses_company_is_404(portal_buyer_client):
    other = factories.CompanyFactory(name="Other Co")

    response = portal_buyer_client.post("/company/switch/", {"company": other.pk})

    assert response.status_code == 404
    assert portal_buyer_client.get("/").wsgi_request.company.name == "Acme Industrial"


@pytest.mark.parametrize("value", ["", "abc", "-5", "99999999999999999999"])
def test_switching_with_garbage_is_404_not_500(portal_buyer_client, value):
    assert portal_buyer_client.post("/company/switch/", {"company": value}).status_code == 404


def test_portal_and_storefront_baskets_never_mix(portal_buyer_client, storefront_client, buyer):
    product = factories.ProductFactory()
    storefront_client.force_login(buyer)

    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    portal_buyer_client.post(f"/basket/add/{product.pk}/", {"quantity": 5})

    assert storefront_client.get("/basket/").context["basket"].num_items == 1
    assert portal_buyer_client.get("/basket/").context["basket"].num_items == 5


def test_portal_basket_is_per_company(portal_client, acme):
    globex = factories.CompanyFactory(name="Globex Supply")
    user = factories.MembershipFactory(company=acme).user
    factories.MembershipFactory(user=user, company=globex)
    product = factories.ProductFactory()
    portal_client.force_login(user)

    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 3})
    portal_client.post("/company/switch/", {"company": globex.pk})

    assert portal_client.get("/basket/").context["basket"].num_items == 0


def test_portal_prices_are_net(portal_buyer_client, settings):
    settings.DEFAULT_TAX_RATE = "0.19"
    factories.ProductFactory(stock__price="8.40")

    response = portal_buyer_client.get("/catalogue/")

    [product] = response.context["products"]
    assert str(product.purchase.price.quote.unit_display) == "8.40"
    assert "excl. VAT" in response.content.decode()
