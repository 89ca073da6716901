"""Host routing: one project, two sites, unknown hosts refused."""

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.test import Client

from commerce import sites

pytestmark = pytest.mark.django_db


def test_storefront_host_serves_the_storefront(storefront_client):
    response = storefront_client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.channel == sites.STOREFRONT
    assert b"site-storefront" in response.content


def test_portal_host_serves_the_portal_sign_in(portal_client):
    response = portal_client.get("/sign-in/")

    assert response.status_code == 200
    assert response.wsgi_request.channel == sites.PORTAL
    assert b"site-portal" in response.content
    assert b"site-storefront" not in response.content


def test_host_with_port_is_routed_by_hostname():
    client = Client(HTTP_HOST=f"{settings.PORTAL_HOST}:8000")

    assert client.get("/sign-in/").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.2", "localhost.evil.example"])
def test_unknown_host_is_refused(host):
    response = Client(HTTP_HOST=host).get("/")

    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/sign-in/", "/sign-out/", "/company/switch/"])
def test_portal_pages_are_not_on_the_storefront(storefront_client, path):
    assert storefront_client.get(path).status_code == 404
    assert storefront_client.post(path).status_code in (403, 404)  # CSRF or not found, never served


def test_storefront_home_is_not_the_portal_home(portal_buyer_client):
    response = portal_buyer_client.get("/")

    assert response.status_code == 200
    assert b"sf-hero" not in response.content
    assert b"company_card" in response.content


def test_storefront_registration_is_not_on_the_portal(portal_client):
    response = portal_client.get("/accounts/register/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"


@pytest.mark.parametrize("path", ["/dashboard/", "/admin/"])
def test_staff_pages_on_the_portal_host_redirect_to_the_staff_host(portal_client, path):
    response = portal_client.get(path)

    assert response.status_code == 301
    assert response["Location"] == f"{settings.STOREFRONT_URL}{path}"


def test_site_rows_follow_the_configured_hosts():
    assert Site.objects.get(pk=settings.STOREFRONT_SITE_ID).domain == settings.STOREFRONT_HOST
    assert Site.objects.get(pk=settings.PORTAL_SITE_ID).domain == settings.PORTAL_HOST


def test_request_site_is_the_sites_row(portal_client):
    response = portal_client.get("/sign-in/")

    assert response.wsgi_request.site.pk == settings.PORTAL_SITE_ID


def test_site_url_builds_absolute_links_for_either_site():
    assert sites.site_url(sites.PORTAL, "portal:login") == f"{settings.PORTAL_URL}/sign-in/"
    assert sites.site_url(sites.STOREFRONT, "basket:summary") == (
        f"{settings.STOREFRONT_URL}/basket/"
    )


def test_staff_host_when_configured_serves_staff_and_storefront_no_longer_does(settings):
    settings.STAFF_URL = "http://staff.localhost:8000"
    settings.STAFF_HOST = "staff.localhost"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "staff.localhost"]
    staff = Client(HTTP_HOST="staff.localhost")

    assert staff.get("/dashboard/").status_code == 302  # to sign in: served here
    assert Client(HTTP_HOST=settings.PORTAL_HOST).get("/dashboard/")["Location"] == (
        "http://staff.localhost:8000/dashboard/"
    )
