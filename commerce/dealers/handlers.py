"""Dealer side effects from the outbox: the offer email to the dealer's members."""

from __future__ import annotations

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.dealers import topics
from commerce.dealers.models import DealerOffer
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def _recipients(dealer) -> list[str]:
    return list(
        dealer.company.memberships.filter(is_active=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


@register(topics.OFFER_EMAIL)
def _offer_email(message) -> None:
    offer = (
        DealerOffer.objects.select_related("dealer__company", "order")
        .filter(pk=message.payload["offer"])
        .first()
    )
    if offer is None:
        return
    url = sites.site_url(sites.PORTAL, "portal:dealer-order", number=offer.order.number)
    effect_once(
        message,
        lambda: send_templated_email(
            to=_recipients(offer.dealer),
            template="dealer_order_offered",
            context={"offer": offer, "order": offer.order, "url": url},
        ),
    )
