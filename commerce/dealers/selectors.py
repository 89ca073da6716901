"""Read-only dealer queries: who is a dealer, a dealer's orders, dealers near a postcode."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from oscar.core.loading import get_model

from commerce import sites
from commerce.core.cache import cache, register_read_ahead
from commerce.core.sessions import USER_STAGE, session_user_id
from commerce.dealers.exceptions import NotADealer
from commerce.dealers.facts import dealer_products, load_facts
from commerce.dealers.models import DealerOffer, DealerProfile, DealerRouting
from commerce.dealers.routing import serves

Line = get_model("order", "Line")

ROUTING_STATUSES = ("offered", "accepted", "shipped", "delivered")


def dealer_for(membership) -> DealerProfile:
    """The dealer a portal member works for; ``NotADealer`` when the company is none."""
    if membership is None:
        raise NotADealer("Sign in as a member of a dealer.")
    dealer = (
        DealerProfile.objects.select_related("company")
        .filter(company_id=membership.company_id)
        .exclude(status=DealerProfile.Status.CLOSED)
        .first()
    )
    if dealer is None:
        raise NotADealer("Your company is not a dealer.")
    return dealer


def dealer_orders(dealer: DealerProfile, status: str | None = None):
    """The routings of orders currently with ``dealer`` (offered to it or taken by it),
    with what the dealer pages show, loaded for a whole page at once."""
    rows = DealerRouting.objects.filter(dealer=dealer)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("order__shipping_address", "order__shipping_address__country")
        .prefetch_related(
            Prefetch("order__lines", queryset=Line.objects.order_by("pk")),
            Prefetch(
                "order__dealer_offers",
                queryset=DealerOffer.objects.filter(dealer=dealer).order_by("-offered_at", "-pk"),
                to_attr="my_offers",
            ),
        )
        .order_by("-created_at", "-pk")
    )


def dealer_order(dealer: DealerProfile, number: str) -> DealerRouting | None:
    return dealer_orders(dealer).filter(order__number=number).first()


def personal_data_visible(routing: DealerRouting, dealer: DealerProfile, now=None) -> bool:
    """The dealer sees the customer's name, address and phone until ``data_access_days``
    after delivery."""
    if routing.delivered_at is None:
        return True
    now = now or timezone.now()
    return now <= routing.delivered_at + timedelta(days=dealer.data_access_days)


def dealers_near(*, country: str, postcode: str, product_id: int | None = None) -> list[dict]:
    """Active dealers serving ``postcode``, nearest first (then best rated), with
    whether they have ``product_id`` in stock. Constant queries."""
    lines = [(product_id, 1)] if product_id else []
    facts = load_facts(country=country, postcode=postcode, lines=lines)
    found = []
    for dealer in facts.dealers:
        ok, distance = serves(dealer, facts.country, facts.postcode, facts.point)
        if not ok:
            continue
        found.append(
            {
                "id": dealer.id,
                "name": dealer.name,
                "distance_km": None if distance is None else round(distance, 1),
                "rating": f"{dealer.rating:.2f}",
                "in_stock": bool(product_id) and facts.stock.get((dealer.id, product_id), 0) >= 1,
            }
        )
    return sorted(
        found,
        key=lambda d: (
            d["distance_km"] is None,
            d["distance_km"] or 0,
            -float(d["rating"]),
            d["id"],
        ),
    )


def fulfilment_of_products(product_ids) -> dict[int, str]:
    """``"dealer"`` or ``"direct"`` per product (the staff setting), in bulk."""
    ids = set(product_ids)
    through = dealer_products(ids)
    return {pid: "dealer" if pid in through else "direct" for pid in ids}


def fulfilment_of_order(order) -> dict:
    """Who fulfils an order, as the buyer sees it (the API's ``fulfilment``)."""
    routing = getattr(order, "dealer_routing", None) if _has_routing(order) else None
    if routing is None or routing.by == DealerRouting.By.DIRECT:
        return {
            "by": "direct",
            "dealer": None,
            "status": "direct",
            "tracking_number": None,
            "carrier": None,
        }
    return {
        "by": "dealer",
        "dealer": {"id": routing.dealer_id, "name": routing.dealer.company.name},
        "status": routing.status,
        "tracking_number": routing.tracking_number or None,
        "carrier": routing.carrier or None,
    }


def _has_routing(order) -> bool:
    try:
        order.dealer_routing  # noqa: B018
    except DealerRouting.DoesNotExist:
        return False
    return True


def dealer_preview(*, lines, country: str, postcode: str):
    """Who would deliver these basket lines to this address (no locks: shown at
    checkout before paying; placement decides again under lock). The dealer's
    name, or None when the order would be fulfilled directly."""
    from commerce.dealers.facts import chain_for
    from commerce.dealers.routing import route

    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    if not wanted or dealer_products(set(wanted)) != set(wanted):
        return None
    facts = load_facts(country=country, postcode=postcode, lines=sorted(wanted.items()))
    decision = route(facts, chain_for(set(wanted)))
    if decision.dealer is None:
        return None
    return next(d.name for d in facts.dealers if d.id == decision.dealer)


def settlement(dealer: DealerProfile, year: int, month: int) -> dict:
    """A month's statement: the opening balance, the ledger entries of the month
    and the closing balance (what the manufacturer owes the dealer)."""
    from datetime import datetime

    from django.db.models import Sum

    from commerce.dealers.models import DealerLedgerEntry

    start = datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.get_current_timezone())
    ledger = DealerLedgerEntry.objects.filter(dealer=dealer)
    opening = ledger.filter(created_at__lt=start).aggregate(s=Sum("amount"))["s"] or 0
    entries = list(
        ledger.filter(created_at__gte=start, created_at__lt=end)
        .select_related("order")
        .order_by("created_at", "pk")
    )
    closing = opening + sum((e.amount for e in entries), 0)
    return {"opening": opening, "entries": entries, "closing": closing, "start": start}


def routing_dry_run(*, order=None, country: str = "DE", postcode: str = "", product_ids=()):
    """ "Route this order" without changing anything: the decision the chain would
    take now for an order (its dealers that declined left out) or for a postcode
    and some products."""
    from commerce.dealers.facts import chain_for
    from commerce.dealers.routing import route

    excluded = ()
    if order is not None:
        lines: dict[int, int] = {}
        for product_id, quantity in order.lines.values_list("product_id", "quantity"):
            lines[product_id] = lines.get(product_id, 0) + quantity
        routing = DealerRouting.objects.filter(order=order).first()
        address = order.shipping_address
        country = routing.country if routing else getattr(address, "country_id", "") or ""
        postcode = routing.postcode if routing else getattr(address, "postcode", "") or ""
        excluded = routing.declined if routing else ()
        wanted = sorted(lines.items())
    else:
        wanted = [(pk, 1) for pk in product_ids]
    ids = {pk for pk, _ in wanted}
    chain = chain_for(ids)
    facts = load_facts(country=country, postcode=postcode, lines=wanted, excluded=excluded)
    return {"chain": chain, "decision": route(facts, chain), "postcode": postcode}


DEALER_COMPANIES_CACHE_KEY = "dealers:company-ids"


# Every portal page's menu asks; read with the other keys of a cached page.
def _read_ahead(request) -> list[str]:
    if not hasattr(request, "company"):  # before the portal's middleware
        signed_in = getattr(request, "channel", None) == sites.PORTAL and session_user_id(request)
        return [DEALER_COMPANIES_CACHE_KEY] if signed_in else []
    return [DEALER_COMPANIES_CACHE_KEY] if request.company else []


register_read_ahead(_read_ahead, stage=USER_STAGE, again=True)


def is_dealer_company(company_id) -> bool:
    """Whether a company is a dealer (for the portal's navigation: cached for a
    minute so ordinary portal pages spend no query on it)."""
    ids = cache.get(DEALER_COMPANIES_CACHE_KEY)
    if ids is None:
        ids = set(
            DealerProfile.objects.exclude(status=DealerProfile.Status.CLOSED).values_list(
                "company_id", flat=True
            )
        )
        cache.set(DEALER_COMPANIES_CACHE_KEY, ids, 60)
    return company_id in ids
