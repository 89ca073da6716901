"""The OpenAPI schema validates without warnings, the docs are self-hosted,
and schemathesis finds no server error and no response outside the schema."""

import re
from collections import Counter

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from commerce.approvals.models import ApprovalRule
from tests import factories
from tests.api.conftest import storefront_api
from tests.approvals.conftest import place

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/auth/token/",
        "/api/products/{id}/",
        "/api/basket/lines/{id}/",
        "/api/checkout/",
        "/api/orders/{number}/",
        "/api/approvals/{id}/approve/",
        "/api/invoices/{number}.pdf",
        "/api/payments/",
        "/api/company/addresses/",
        "/api/webhooks/{id}/",
        "/api/webhooks/{id}/deliveries/{delivery_id}/redeliver/",
    ):
        assert f"{path}:" in text, path
    components = yaml.safe_load(text)["components"]["schemas"]
    invoice, company = components["Invoice"], components["Company"]
    assert {"status", "days_overdue", "due"} <= set(invoice["required"])
    status = invoice["properties"]["status"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert components[status]["enum"] == ["open", "overdue", "paid", "void"]
    # credit is left out for roles that may not see invoices: never required
    assert "credit" in company["properties"] and "credit" not in company["required"]
    assert set(components["CompanyCredit"]["required"]) == {
        "terms",
        "limit",
        "exposure",
        "available",
        "on_hold",
        "hold_reason",
        "currency",
    }


def test_the_schema_is_served_on_both_hosts(db):
    for host in (settings.STOREFRONT_HOST, settings.PORTAL_HOST):
        response = storefront_api().get("/api/schema/", HTTP_HOST=host)
        assert response.status_code == 200
        assert b"openapi: 3" in response.content


def test_the_docs_are_served_from_this_site_without_a_cdn(client):
    page = client.get("/api/docs/", HTTP_HOST=settings.STOREFRONT_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/schema/" in html
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "docs load assets from elsewhere"
    assert client.get("/api/redoc/", HTTP_HOST=settings.PORTAL_HOST).status_code == 200


# --- schemathesis ---------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Some of everything, and an integration token of the company's admin
    (so payments are reachable too)."""
    company = factories.business("Acme Industrial", limit="1000000.00")
    admin = factories.MembershipFactory(company=company, role="admin").user
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    ApprovalRule.objects.create(company=company, kind="order_total", amount="500.00")
    for _ in range(3):
        factories.ProductFactory(stock=1000)
    place(company, buyer, net="900.00")
    place(company, buyer, net="50.00")
    from commerce.api import tokens

    key = tokens.token_issue(
        user=admin, name="schemathesis", kind="integration", actor=factories.StaffFactory()
    ).key
    return {"Authorization": f"Token {key}"}


def run_schemathesis(host: str, headers: dict, examples: int = 10) -> tuple[list[str], Counter]:
    """Every operation of the schema, ``examples`` generated calls each, with
    the two checks; returns what failed (empty when all is well) and the
    status codes seen."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures: list[str] = []
    statuses: Counter = Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def check(case):
            response = case.call_and_validate(headers={**headers, "Host": host}, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            check()
        except Exception as error:
            failures.append(f"{operation.label}: {error}")
    assert operations >= 19
    return failures, statuses


CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, whose start- and end-of-request hooks
    would close the test's database connection (and its transaction); Django's
    test client turns them off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("host", [settings.STOREFRONT_HOST, settings.PORTAL_HOST])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    world, host, keep_test_connection
):
    failures, statuses = run_schemathesis(host, world)
    assert not failures, "\n\n".join(failures)
    # the run reached real answers, not only refusals
    assert sum(n for code, n in statuses.items() if code < 300) >= 10, statuses
    print(host, dict(sorted(statuses.items())))
