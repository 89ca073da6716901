import pytest

from accounts.models import CompanyAddress, Membership
from tests import factories


@pytest.fixture
def company(db):
    company = factories.CompanyFactory(name="Acme Industrial")
    factories.CompanyAddressFactory(company=company, kind=CompanyAddress.Kind.BILL_TO, label="HQ")
    factories.CompanyAddressFactory(company=company, label="Plant", is_default=True)
    return company


@pytest.fixture
def members(company):
    """One member per role, keyed by role."""
    return {
        role: factories.MembershipFactory(company=company, role=role)
        for role in Membership.Role.values
    }


@pytest.fixture
def admin(members):
    return members["admin"].user


@pytest.fixture
def other_company(db):
    other = factories.CompanyFactory(name="Other Co")
    admin = factories.MembershipFactory(company=other, role="admin")
    ship_to = factories.CompanyAddressFactory(company=other, label="Elsewhere", is_default=True)
    second = factories.CompanyAddressFactory(company=other, label="Second")
    invitation_member = factories.MembershipFactory(company=other, role="buyer")
    return {
        "company": other,
        "admin": admin,
        "ship_to": ship_to,
        "second": second,
        "member": invitation_member,
    }


def client_for(client, user):
    client.force_login(user)
    return client
