"""Building the pricing context for a site, a buyer and (on the portal) a company
(on the storefront: the consumer's loyalty tier and the members' segments that
have prices)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.selectors import ACTIVE_COMPANY_SESSION_KEY
from commerce import sites
from commerce.core.cache import (
    cache,
    cache_version,
    cache_version_bump_at_commit,
    register_read_ahead,
)
from commerce.core.money import rate
from commerce.core.sessions import USER_STAGE, session_user_id
from commerce.members.prices import price_segments
from pricing.engine import ListRef, Loyalty, PriceContext
from pricing.vouchers import promotions_in_scope

PriceList = get_model("partner", "PriceList")


def _valid_now(at: datetime) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=at)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=at)
    )


def company_lists(
    company, at: datetime, currency: str, *, cached: bool = False
) -> tuple[tuple[ListRef, ...], ListRef | None]:
    """The company's contract lists (most recently started first) and its tier list,
    as far as they are active and valid at ``at`` (one query). ``cached``: from
    the cache of the company's lists (``cached_list_rows``) where it has them;
    only for cache keys, never for prices."""
    rows = _cached_list_rows(company, currency) if cached else None
    if rows is not None:
        rows = _valid_rows(rows, at)
    else:
        rows = list(
            PriceList.objects.filter(_lists_of(company), _valid_now(at), currency=currency)
            .order_by(F("valid_from").desc(nulls_last=True), "-pk")
            .values_list("pk", "name", "kind")
        )
    contracts = tuple(ListRef(pk, name, kind) for pk, name, kind in rows if kind == "contract")
    tier = next((ListRef(pk, name, kind) for pk, name, kind in rows if kind == "tier"), None)
    return contracts, tier


def _lists_of(company) -> Q:
    wanted = Q(kind=PriceList.Kind.CONTRACT, company_id=company.pk)
    if company.price_tier_id:
        wanted |= Q(pk=company.price_tier_id)
    return wanted & Q(is_active=True)


# The lists of a company with their validity windows, cached for the price-audience
# part of page cache keys; any price list write retires them all (``lists_changed``).
LISTS_VERSION_KEY = "pricing:company-lists-version"
LISTS_SECONDS = 10 * 60


def _lists_key(company_id, currency: str) -> str:
    return f"pricing:company-lists:{company_id}:{currency}"


def _read_ahead_lists(request) -> list[str]:
    company = getattr(request, "company", None)
    if company is None:
        return [LISTS_VERSION_KEY]
    return [
        LISTS_VERSION_KEY,
        _lists_key(company.pk, settings.OSCAR_DEFAULT_CURRENCY),
    ]


register_read_ahead(_read_ahead_lists, again=True)


def _read_ahead_session_lists(request) -> list[str]:
    """Before the portal's middleware: the lists of the company the session last
    acted in (the member's active company unless it has changed since)."""
    if hasattr(request, "company") or getattr(request, "channel", None) != sites.PORTAL:
        return []
    if not session_user_id(request):
        return []
    company_id = request.session.get(ACTIVE_COMPANY_SESSION_KEY)
    if not company_id:
        return []
    return [_lists_key(company_id, settings.OSCAR_DEFAULT_CURRENCY)]


register_read_ahead(_read_ahead_session_lists, stage=USER_STAGE)


def _cached_list_rows(company, currency: str) -> list[tuple]:
    key = _lists_key(company.pk, currency)
    found = cache.get_many([LISTS_VERSION_KEY, key])
    version = found.get(LISTS_VERSION_KEY) or cache_version(LISTS_VERSION_KEY)
    stamp = (version, company.price_tier_id)
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    rows = list(
        PriceList.objects.filter(_lists_of(company), currency=currency).values_list(
            "pk", "name", "kind", "valid_from", "valid_until"
        )
    )
    cache.set(key, (stamp, rows), LISTS_SECONDS)
    return rows


def _valid_rows(rows: list[tuple], at: datetime) -> list[tuple]:
    """``rows`` valid at ``at``, in ``company_lists`` order (latest start first)."""
    valid = [
        row for row in rows if (row[3] is None or row[3] <= at) and (row[4] is None or row[4] > at)
    ]
    valid.sort(key=lambda row: (row[3] is None, -row[3].timestamp() if row[3] else 0, -row[0]))
    return [row[:3] for row in valid]


def lists_changed(**kwargs) -> None:
    """A price list was written: retire every company's cached lists, now and again
    when the transaction commits (a read in between may have cached the old rows)."""
    cache_version_bump_at_commit(LISTS_VERSION_KEY)


def consumer_loyalty(user) -> Loyalty | None:
    from commerce.members.selectors import loyalty_row

    row = loyalty_row(user)
    return Loyalty(tier_name=row[0], discount_percent=row[1], tier_id=row[2]) if row else None


def pricing_context(
    *,
    channel: str,
    user=None,
    company=None,
    at: datetime | None = None,
    voucher_codes=(),
    cached_lists: bool = False,
) -> PriceContext:
    """The pricing context: site, buyer, company, and the lists/tier that apply now
    (``cached_lists``: the company's lists from the cache, for cache keys only)."""
    at = at or timezone.now()
    currency = settings.OSCAR_DEFAULT_CURRENCY
    portal = channel == sites.PORTAL
    authenticated = user is not None and user.is_authenticated
    contracts, tier, loyalty, segments = (), None, None, ()
    if portal and company is not None:
        contracts, tier = company_lists(company, at, currency, cached=cached_lists)
    elif not portal and authenticated:
        loyalty = consumer_loyalty(user)
        segments = price_segments(user)
    promotions = promotions_in_scope(
        channel=channel,
        at=at,
        company_id=company.pk if portal and company is not None else None,
        tier_id=company.price_tier_id if portal and company is not None else None,
        loyalty_tier_id=loyalty.tier_id if loyalty is not None else None,
    )
    return PriceContext(
        channel=channel,
        currency=currency,
        tax_rate=rate(settings.DEFAULT_TAX_RATE),
        prices_include_tax=sites.prices_include_tax(channel),
        at=at,
        user_id=user.pk if authenticated else None,
        company_id=company.pk if portal and company is not None else None,
        contract_lists=contracts,
        tier_list=tier,
        loyalty=loyalty,
        promotions=promotions,
        voucher_codes=frozenset(voucher_codes),
        member_segments=segments,
    )
