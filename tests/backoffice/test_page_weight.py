"""Page-weight budget of the dashboard: what a first visit transfers (the HTML
and every stylesheet, script and web font it loads, compressed as WhiteNoise
serves them in production) stays within 600 KB; TinyMCE is fetched only by
pages with a rich-text field."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests import factories
from tests.backoffice.conftest import dashboard_client, place_portal

pytestmark = pytest.mark.django_db

BUDGET = 600 * 1024
FONT = re.compile(r'url\(["\']?([^)"\']+\.woff2)')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def static_file(url: str) -> Path | None:
    if not url.startswith(settings.STATIC_URL):
        return None
    found = finders.find(url[len(settings.STATIC_URL) :].split("?")[0])
    return Path(found) if found else None


def first_load(html: str) -> dict[str, int]:
    """Transferred bytes of the page and what it loads on its own."""
    sizes = {"(page)": gzipped(html.encode())}
    for url in set(re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)) | set(
        re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
        + re.findall(r'<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"', html)
    ):
        path = static_file(url)
        assert path is not None, f"{url} is not one of our static files"
        data = path.read_bytes()
        if path.suffix == ".css":
            for font in set(FONT.findall(data.decode())):
                font_path = (path.parent / font).resolve()
                sizes[str(font_path.name)] = font_path.stat().st_size  # already compressed
        sizes[url] = gzipped(data)
    return sizes


@pytest.fixture
def staff_client():
    return dashboard_client(factories.StaffFactory())


@pytest.fixture
def data(acme):
    product = factories.ProductFactory(title="Torque wrench", stock=10)
    order = place_portal(acme)
    return {"product": product, "order": order}


def pages(data):
    return [
        "/dashboard/",
        "/dashboard/orders/",
        f"/dashboard/orders/{data['order'].number}/",
        "/dashboard/catalogue/",
        f"/dashboard/catalogue/products/{data['product'].pk}/",
        "/dashboard/catalogue/categories/",
        "/dashboard/users/",
        "/dashboard/companies/",
    ]


def test_every_dashboard_page_stays_within_the_budget_on_first_load(staff_client, data):
    for url in pages(data):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        sizes = first_load(response.content.decode())
        total = sum(sizes.values())
        biggest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
        assert total <= BUDGET, (url, total // 1024, biggest)


def test_tinymce_is_not_loaded_up_front(staff_client, data):
    for url in pages(data):
        html = staff_client.get(url).content.decode()
        assert not re.search(r'<script[^>]*src="[^"]*tinymce', html), url
        assert "moment-with-locales" not in html, url
    form = staff_client.get(f"/dashboard/catalogue/products/{data['product'].pk}/")
    # The editor is fetched on demand from the path the page gives.
    assert 'data-tinymce="/static/oscar/js/tinymce/tinymce.min.js"' in form.content.decode()


def test_the_dashboard_home_does_not_refresh_itself(staff_client):
    html = staff_client.get("/dashboard/").content.decode()

    assert 'http-equiv="refresh"' not in html
    assert 'name="robots"' in html
