"""Lead side effects from the outbox: status emails to the consumer (with the
signed link), the offer email to the dealer's members, the survey email."""

from __future__ import annotations

from commerce import sites
from commerce.checkout.placement import TOPIC_ORDER_SOURCE
from commerce.core.emails import send_templated_email
from commerce.dealers.models import DealerProfile
from commerce.leads import links, services, topics
from commerce.leads.models import SOURCES, Attribution, Lead, LeadOffer, Survey
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


@register(topics.LEAD_STATUS_EMAIL)
def _status_email(message) -> None:
    lead = Lead.objects.select_related("dealer__company", "product").filter(
        pk=message.payload["lead"]
    )
    lead = lead.first()
    if lead is None:
        return
    effect_once(
        message,
        lambda: send_templated_email(
            to=[lead.email],
            template="lead_status",
            context={
                "lead": lead,
                "event": message.payload.get("event", lead.status),
                "url": links.lead_url(lead),
            },
        ),
    )


@register(topics.LEAD_OFFER_EMAIL)
def _offer_email(message) -> None:
    offer = (
        LeadOffer.objects.select_related("dealer__company", "lead")
        .filter(pk=message.payload["offer"])
        .first()
    )
    if offer is None:
        return
    to = list(
        offer.dealer.company.memberships.filter(is_active=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    url = sites.site_url(sites.PORTAL, "portal:dealer-leads")
    effect_once(
        message,
        lambda: send_templated_email(
            to=to, template="lead_offered", context={"offer": offer, "lead": offer.lead, "url": url}
        ),
    )


@register(topics.SURVEY_EMAIL)
def _survey_email(message) -> None:
    survey = (
        Survey.objects.select_related("dealer__company")
        .filter(pk=message.payload["survey"])
        .first()
    )
    if survey is None or survey.answered_at is not None:
        return
    effect_once(
        message,
        lambda: send_templated_email(
            to=[survey.email],
            template="dealer_survey",
            context={"survey": survey, "url": links.survey_url(survey)},
        ),
    )


@register(TOPIC_ORDER_SOURCE)
def _order_source(message) -> None:
    """Record how a storefront order came (the payload was frozen at placement)."""
    payload = message.payload
    source = payload.get("source")
    if source not in dict(SOURCES):
        source = "direct"
    detail = payload.get("detail") or {}
    dealer_id = detail.get("dealer") if source == "referral" else None
    if dealer_id is not None and not DealerProfile.objects.filter(pk=dealer_id).exists():
        dealer_id = None
    Attribution.objects.get_or_create(
        order_id=payload["order"],
        defaults={"source": source, "detail": detail, "dealer_id": dealer_id},
    )
    if source == "lead" and str(detail.get("lead", "")).isdigit():
        services.lead_link_order(lead_id=int(detail["lead"]), order_id=payload["order"])
