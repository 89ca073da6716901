"""The portal's own pages come after the shop's in its URLconf (the catalogue is
found without trying them): that only holds while no path of one is also a path
of the other."""

import re

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from portals.portal import urls as portal_urls

SAMPLES = {"int": "7", "str": "sample", "slug": "sample-slug", "path": "a/b", "uuid": "0" * 32}


def _sample(route: str) -> str:
    if route.startswith("^"):  # a regex pattern: fill its groups with a word
        return re.sub(r"\(\?P<\w+>[^)]*\)", "x", route.lstrip("^").rstrip("$")).replace("\\", "")
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m[1] or "str", "sample"), route)


def _paths(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + _sample(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route, pattern.callback


def test_every_portal_page_resolves_to_the_portal_view():
    resolver = get_resolver("commerce.urls.portal")
    for path, callback in _paths(portal_urls.urlpatterns):
        assert resolver.resolve(path).func == callback, path


def test_no_shop_page_is_also_a_portal_path():
    portal = URLResolver(RegexPattern(r"^/"), portal_urls)
    shop = [p for p in get_resolver("commerce.urls.portal").url_patterns if str(p.pattern) != ""]
    for path, _ in _paths(shop):
        try:
            match = portal.resolve(path)
        except Resolver404:
            continue
        raise AssertionError(f"{path} is also the portal's {match.view_name}")
