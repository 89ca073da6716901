"""Quote emails from the outbox: each step of the negotiation tells the other
side (the buyer, or the company's sales reps)."""

from __future__ import annotations

from django.conf import settings

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once
from commerce.quotes import topics
from commerce.quotes.models import QuoteEvent


def _sales_team(company) -> list[str]:
    reps = [u.email for u in company.sales_reps.filter(is_active=True)]
    return reps or [getattr(settings, "SALES_EMAIL", settings.DEFAULT_FROM_EMAIL)]


def send_quote_email(event_id: int) -> int:
    event = (
        QuoteEvent.objects.select_related("quote__company", "quote__requested_by", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    quote = event.quote
    to_buyer = event.by_staff or event.kind in (QuoteEvent.Kind.EXPIRED, QuoteEvent.Kind.ORDERED)
    recipients = [quote.requested_by.email] if to_buyer else _sales_team(quote.company)
    url = (
        sites.site_url(sites.PORTAL, "portal:quote-detail", pk=quote.pk)
        if to_buyer
        else sites.site_url(sites.staff_site().channel, "dashboard:quote-detail", pk=quote.pk)
    )
    return send_templated_email(
        to=recipients,
        template="quote_event",
        context={"quote": quote, "event": event, "url": url, "lines": list(quote.lines.all())},
    )


@register(topics.EMAIL)
def _quote_email(message) -> None:
    effect_once(message, lambda: send_quote_email(message.payload["event"]))
