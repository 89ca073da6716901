"""Read-only queries of quotes: a company's members see its quotes; staff see
the quotes of the companies their role reaches."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts import policy, staff_policy
from commerce.quotes.models import Quote, QuoteEvent, QuoteLine

# Staff who answer quotes: sales reps (for their own companies) and administrators.
STAFF_SECTION = "quotes_dashboard"


def _shaped(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("company", "requested_by", "order").prefetch_related(
        Prefetch(
            "lines",
            queryset=QuoteLine.objects.select_related("product").order_by("pk"),
        ),
        Prefetch("events", queryset=QuoteEvent.objects.select_related("actor").order_by("pk")),
    )


def quotes_for_member(membership) -> QuerySet[Quote]:
    if membership is None or not policy.can(membership, policy.Action.VIEW_ORDERS):
        return Quote.objects.none()
    return _shaped(Quote.objects.filter(company_id=membership.company_id))


def quotes_for_staff(user) -> QuerySet[Quote]:
    if not staff_policy.may_use_section(user, STAFF_SECTION):
        return Quote.objects.none()
    return _shaped(staff_policy.company_scope(Quote.objects.all(), user))


def _by_pk(queryset, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return queryset.filter(pk=pk).first()


def quote_for_member(membership, pk) -> Quote | None:
    return _by_pk(quotes_for_member(membership), pk)


def quote_for_staff(user, pk) -> Quote | None:
    return _by_pk(quotes_for_staff(user), pk)
