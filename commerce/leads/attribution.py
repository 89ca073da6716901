"""Where a visit came from: captured into the session by
``AttributionMiddleware`` (the latest source wins) and frozen on the lead or
order it ends in.

Sources: ``campaign`` (``utm_*`` parameters), ``referral`` (a dealer's own
link, ``?dealer_ref=<dealer id>``), ``locator`` (the dealer locator, which
marks the session itself), ``lead`` (an order converted from a lead) and
``direct`` (none of these)."""

from __future__ import annotations

SESSION_KEY = "attribution"
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def capture(request) -> None:
    params = request.GET
    found = None
    if any(params.get(key) for key in UTM):
        found = {
            "source": "campaign",
            "detail": {key: params[key][:100] for key in UTM if params.get(key)},
        }
    elif params.get("dealer_ref", "").isdigit():
        found = {"source": "referral", "detail": {"dealer": int(params["dealer_ref"])}}
    if found is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = found


def mark_locator(request) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = {"source": "locator", "detail": {}}


def current(request) -> tuple[str, dict]:
    data = getattr(request, "session", {}).get(SESSION_KEY) or {}
    source = data.get("source") if isinstance(data, dict) else None
    if source not in ("campaign", "referral", "locator"):
        return "direct", {}
    return source, dict(data.get("detail") or {})


def lead_source(request) -> tuple[str, dict]:
    capture(request)
    return current(request)


class AttributionMiddleware:
    """Remember campaign parameters and dealer referral links in the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.GET:
            capture(request)
        return self.get_response(request)
