"""No server-side request forgery through webhooks: under production settings
a URL that resolves to a non-public address is refused, at registration and
again (re-resolving) at delivery."""

import socket

import pytest
from django.db import transaction

from commerce.outbox.services import outbox_relay
from commerce.webhooks import events
from commerce.webhooks.exceptions import UnsafeWebhookURL
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint
from commerce.webhooks.services import webhook_endpoint_create
from commerce.webhooks.urls_guard import check_url
from tests import factories


@pytest.fixture
def production(settings):
    """What DJANGO_ENV=production gives by default: no host allowed, no private range."""
    settings.WEBHOOK_ALLOWED_HOSTS = []
    settings.WEBHOOK_ALLOW_PRIVATE = False


def _resolve_to(monkeypatch, address):
    def fake(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/hook",
        "http://192.168.0.10/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost:8000/hook",
    ],
)
@pytest.mark.django_db
def test_non_public_addresses_are_refused_at_registration(production, url):
    with pytest.raises(UnsafeWebhookURL):
        webhook_endpoint_create(url=url, events=[events.ORDER_PLACED], actor=None)

    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_hostname_resolving_to_loopback_is_refused(production, monkeypatch):
    _resolve_to(monkeypatch, "127.0.0.1")

    with pytest.raises(UnsafeWebhookURL, match=r"127\.0\.0\.1"):
        check_url("https://erp.example.com/hook")


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/"])
@pytest.mark.django_db
def test_only_http_and_https(url):
    with pytest.raises(UnsafeWebhookURL, match="http or https"):
        check_url(url)


@pytest.mark.django_db
def test_a_public_address_is_accepted(production, monkeypatch):
    _resolve_to(monkeypatch, "93.184.216.34")

    assert check_url("https://erp.example.com/hook")[3] == ["93.184.216.34"]


@pytest.mark.django_db
def test_an_allowed_host_may_be_private(production, settings, monkeypatch):
    settings.WEBHOOK_ALLOWED_HOSTS = ["erp.internal"]
    _resolve_to(monkeypatch, "10.0.0.5")

    assert check_url("http://erp.internal/hook")[3] == ["10.0.0.5"]
    with pytest.raises(UnsafeWebhookURL):
        check_url("http://other.internal/hook")


@pytest.mark.django_db
def test_development_allows_loopback(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "::1"]

    assert check_url("http://127.0.0.1:8765/")[1] == "127.0.0.1"


@pytest.mark.django_db
def test_dns_rebinding_is_caught_at_delivery(production, monkeypatch, receiver, committed):
    """The host resolved to a public address at registration, to loopback later:
    the delivery is refused and never reaches the (loopback) receiver."""
    _resolve_to(monkeypatch, "93.184.216.34")
    webhook_endpoint_create(
        url=f"http://hooks.example.com:{receiver.port}/hook",
        events=[events.COMPANY_UPDATED],
        actor=factories.StaffFactory(),
    )
    _resolve_to(monkeypatch, "127.0.0.1")

    with committed(), transaction.atomic():
        events.webhook_event(type=events.COMPANY_UPDATED, data={"id": 1})
    outbox_relay()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert "non-public" in delivery.last_error
    assert receiver.requests == []
