"""The outbox handler that builds a listing price map (``catalog.price_map``).

A listing that finds its audience's map missing or out of date queues one
build (``catalog.price_map.TOPIC``) and keeps serving the previous map; this
handler rebuilds it for a viewer like the one who asked (same site, company,
and on the storefront the same member), off the request. Running it again is
harmless: it stores the map at the versions current when it starts.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from accounts.models import Company
from catalog import price_map, visibility
from commerce.outbox.registry import register
from pricing.strategy import Selector


@register(price_map.TOPIC)
def build_price_map(message) -> None:
    payload = message.payload
    user = None
    if payload.get("user"):
        user = get_user_model().objects.filter(pk=payload["user"]).first()
    company = None
    if payload.get("company"):
        company = Company.objects.filter(pk=payload["company"]).first()
        if company is None:
            return  # gone: nobody lists its prices any more
    viewer = user or AnonymousUser()
    strategy = Selector().strategy(channel=payload["channel"], user=viewer, company=company)
    site = visibility.audience(payload["channel"], viewer)
    price_map.build(strategy, site=site, company=company)
