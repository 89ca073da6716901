"""Emails of shared baskets, delivered from the outbox once per row (``effect_once``)."""

from __future__ import annotations

from oscar.core.loading import get_model

from commerce import sites
from commerce.basket import topics
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once

BasketShare = get_model("basket", "BasketShare")

# Who each email goes to: the payer, or the person who shared the basket.
TO_PAYER = {"basket_share_requested", "basket_share_receipt"}


def send_share_email(share_id: int, template: str) -> int:
    from commerce.basket.sharing import share_url

    share = BasketShare.objects.select_related("requester", "order", "payer").get(pk=share_id)
    to = share.payer_email if template in TO_PAYER else share.requester.email
    context = {
        "share": share,
        "requester": share.requester.get_full_name() or share.requester.email,
        "url": share_url(share) if share.is_open else "",
        "shares_url": sites.site_url(sites.STOREFRONT, "storefront:share-list"),
    }
    return send_templated_email(to=[to], template=template, context=context)


def send_share_code(share_id: int, code: str) -> int:
    share = BasketShare.objects.select_related("requester").get(pk=share_id)
    return send_templated_email(
        to=[share.payer_email],
        template="basket_share_code",
        context={"share": share, "code": code},
    )


@register(topics.SHARE_EMAIL)
def _share_email(message) -> None:
    p = message.payload
    effect_once(message, lambda: send_share_email(p["share"], p["template"]))


# The code is a one-time secret: the row forgets it once the email is out.
@register(topics.SHARE_CODE, scrub=("code",))
def _share_code(message) -> None:
    p = message.payload
    effect_once(message, lambda: send_share_code(p["share"], p["code"]))
