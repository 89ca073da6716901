"""Where a visit came from: captured into the session by
``AttributionMiddleware`` (the latest source wins) and frozen on the lead or
storefront order it ends in (the checkout doors pass ``current`` in the
``CheckoutRequest``; placement records it with the order).

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


def mark_lead(request, lead_id: int) -> None:
    """The consumer orders what a dealer won with them (their lead)."""
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = {"source": "lead", "detail": {"lead": lead_id}}


def current(request) -> tuple[str, dict]:
    data = getattr(request, "session", {}).get(SESSION_KEY) or {}
    source = data.get("source") if isinstance(data, dict) else None
    if source not in ("campaign", "referral", "locator", "lead"):
        return "direct", {}
    return source, dict(data.get("detail") or {})


def lead_source(request) -> tuple[str, dict]:
    capture(request)
    return current(request)


def snapshot(request) -> dict:
    """What a checkout door passes on: ``{"source", "detail"}``."""
    source, detail = current(request)
    return {"source": source, "detail": detail}


class AttributionMiddleware:
    """Remember campaign parameters, dealer referral links and visits to the
    dealer locator in the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.GET:
            capture(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "dealer-locator" and request.method == "GET":
            mark_locator(request)
        return None
