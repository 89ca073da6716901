"""Every role by every portal action: the policy's answer, and what the pages do."""

import pytest

from accounts import policy
from accounts.models import Company
from tests import factories

A = policy.Action
EXPECTED = {
    "admin": set(A),
    "approver": {A.VIEW_CATALOG, A.PLACE_ORDER, A.VIEW_ORDERS, A.APPROVE_ORDERS, A.VIEW_INVOICES},
    "buyer": {A.VIEW_CATALOG, A.PLACE_ORDER, A.VIEW_ORDERS},
    "viewer": {A.VIEW_CATALOG, A.VIEW_ORDERS, A.VIEW_INVOICES},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("action", list(A))
def test_policy_matrix(role, action):
    membership = factories.MembershipFactory(role=role)

    assert policy.can(membership, action) is (action in EXPECTED[role])


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(A))
def test_nobody_may_do_anything_in_a_closed_company(action):
    membership = factories.MembershipFactory(role="admin", company__status=Company.Status.CLOSED)

    assert not policy.can(membership, action)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(A))
def test_a_deactivated_member_may_do_nothing(action):
    membership = factories.MembershipFactory(role="admin", is_active=False)

    assert not policy.can(membership, action)


@pytest.mark.django_db
def test_a_pending_company_may_browse_but_not_order():
    membership = factories.MembershipFactory(role="admin", company__status=Company.Status.PENDING)

    assert policy.can(membership, A.VIEW_CATALOG)
    assert policy.can(membership, A.MANAGE_MEMBERS)
    assert not policy.can(membership, A.PLACE_ORDER)
    assert "awaiting approval" in policy.denial_reason(membership, A.PLACE_ORDER)


@pytest.mark.django_db
def test_an_on_hold_company_may_still_order_by_card():
    membership = factories.MembershipFactory(role="buyer", company__status=Company.Status.ON_HOLD)

    assert policy.can(membership, A.PLACE_ORDER)


@pytest.mark.django_db
def test_the_policy_refuses_with_a_named_error():
    membership = factories.MembershipFactory(role="viewer")

    with pytest.raises(policy.NotAllowed) as caught:
        policy.require(membership, A.PLACE_ORDER)

    assert caught.value.action == A.PLACE_ORDER
    assert "Viewer" in caught.value.reason


# What each page needs; the HTTP matrix below checks the pages obey the policy.
PAGES = [
    ("GET", "/", A.VIEW_CATALOG),
    ("GET", "/catalogue/", A.VIEW_CATALOG),
    ("GET", "/company/", A.VIEW_CATALOG),
    ("GET", "/company/members/", A.MANAGE_MEMBERS),
    ("POST", "/company/members/", A.MANAGE_MEMBERS),
    ("GET", "/company/addresses/new/", A.MANAGE_ADDRESSES),
    ("POST", "/basket/add/{product}/", A.PLACE_ORDER),
    ("GET", "/checkout/", A.PLACE_ORDER),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize(("method", "path", "action"), PAGES)
def test_pages_follow_the_policy(portal_client, role, method, path, action):
    membership = factories.MembershipFactory(role=role)
    product = factories.ProductFactory()
    portal_client.force_login(membership.user)
    url = path.format(product=product.pk)

    response = portal_client.get(url) if method == "GET" else portal_client.post(url, {})

    if action in EXPECTED[role]:
        assert response.status_code != 403, (role, url)
    else:
        assert response.status_code == 403, (role, url)
        assert "does not allow" in response.content.decode()
