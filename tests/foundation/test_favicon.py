"""Browsers ask every host for /favicon.ico; each answers with the icon."""

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.parametrize("host", ["STOREFRONT_HOST", "PORTAL_HOST"])
def test_favicon_is_served_on_both_hosts(db, host):
    response = Client(HTTP_HOST=getattr(settings, host)).get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
