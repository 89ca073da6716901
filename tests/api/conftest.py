import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from commerce.api import tokens
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


def api_client(host: str, user=None, *, kind: str = "personal", company=None) -> APIClient:
    """A client on ``host`` signed in with a fresh token of ``user`` (if given)."""
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        actor = factories.StaffFactory() if kind == "integration" else user
        key = tokens.token_issue(user=user, name="test", kind=kind, actor=actor).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if company is not None:
        client.defaults["HTTP_X_COMPANY"] = str(company.pk)
    return client


def portal_api(user=None, **kwargs) -> APIClient:
    return api_client(settings.PORTAL_HOST, user, **kwargs)


def storefront_api(user=None, **kwargs) -> APIClient:
    return api_client(settings.STOREFRONT_HOST, user, **kwargs)


@pytest.fixture
def company(db):
    return factories.business("Acme Industrial")


@pytest.fixture
def other_company(db):
    return factories.business("Globex Supply", ship_to="Depot")


@pytest.fixture
def people(company):
    return {
        role: factories.MembershipFactory(
            company=company, role=role, user__email=f"{role}@acme.example"
        ).user
        for role in ("admin", "approver", "buyer", "viewer")
    }


@pytest.fixture
def outsider(other_company):
    return factories.MembershipFactory(
        company=other_company, role="admin", user__email="admin@globex.example"
    ).user


def assert_error(response, status: int, code: str):
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert body["message"]
    return body
