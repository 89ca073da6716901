"""The API docs render from our own files: no request to another host and no
console error (ReDoc's CDN logo and search worker included)."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_api_docs_load_nothing_from_another_host(page, site_urls, path):
    base = site_urls["storefront"]
    host = urlsplit(base).hostname
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(base + path)
    page.wait_for_load_state("networkidle")

    assert [url for url in requests if urlsplit(url).hostname not in {host, None}] == []
    assert errors == []
    if path == "/api/redoc/":
        assert page.locator("#redoc-container h1").count() >= 1
