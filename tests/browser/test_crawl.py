"""A crawl of both sites as every kind of visitor: anonymous, a consumer, each
portal role and each staff role follow same-host links (up to a bound) and
find no response >= 500, no console error, and nothing loaded from another
host."""

from urllib.parse import urldefrag, urlsplit

import pytest

from tests.browser.site_tour import build_world, sign_in_portal, sign_in_storefront

pytestmark = pytest.mark.django_db(transaction=True)

PAGES_PER_VISITOR = 18
# Links that end a session, change data on GET, or download a file.
SKIP = (
    "logout",
    "sign-out",
    "/pdf",
    ".pdf",
    "csv",
    "export",
    "download",
    "/file/",
    "xlsx",
    "/admin/",
    "/i18n/",
    "response_format",
    "/api/",
    "/media/",
    "delete",
)


def crawl(context, start: str, host: str, limit: int):
    """Visit up to ``limit`` same-host pages breadth-first from ``start``."""
    page = context.new_page()
    failures, console_errors, foreign = [], [], []
    page.on(
        "console",
        lambda msg: (
            console_errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlsplit(request.url).hostname not in {host, None} and request.url.startswith("http")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            failures.append((response.url, response.status)) if response.status >= 500 else None
        ),
    )
    queue, seen = [start], set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or "html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.hostname != host or any(word in href for word in SKIP):
                continue
            if href not in seen and href not in queue:
                queue.append(href)
    page.close()
    return seen, failures, console_errors, foreign


def test_every_visitor_crawls_without_errors(chromium, site_urls):
    world = build_world()
    store, portal = site_urls["storefront"], site_urls["portal"]
    store_host, portal_host = urlsplit(store).hostname, urlsplit(portal).hostname
    visitors = [
        ("anonymous", None, store, store_host),
        ("anonymous-portal", None, portal, portal_host),
    ]
    visitors.append(("consumer", world.consumer, store, store_host))
    visitors += [
        (f"portal-{role}", user, portal, portal_host) for role, user in world.members.items()
    ]
    visitors += [
        (f"staff-{role}", user, store + "/dashboard/", store_host)
        for role, user in world.staff.items()
    ]
    report, visited = [], 0

    for name, user, start, host in visitors:
        context = chromium.new_context(viewport={"width": 1366, "height": 900})
        if user is not None:
            sign_in = context.new_page()
            if host == portal_host:
                sign_in_portal(sign_in, portal, user)
            else:
                sign_in_storefront(sign_in, store, user)
            sign_in.close()
        seen, failures, errors, foreign = crawl(context, start, host, PAGES_PER_VISITOR)
        context.close()
        visited += len(seen)
        report += [f"{name}: {url} answered {status}" for url, status in failures]
        report += [f"{name}: console error {error}" for error in errors]
        report += [f"{name}: loaded from another host {url}" for url in foreign]

    assert visited >= 100
    assert not report, "\n".join(report)
