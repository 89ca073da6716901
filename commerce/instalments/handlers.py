"""Instalment side effects from the outbox: the reminder before a part is due
and the receipt of a collection (each once per outbox row)."""

from __future__ import annotations

from decimal import Decimal

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.instalments import topics
from commerce.instalments.models import Instalment, InstalmentPlan
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def _order_url(order) -> str:
    return sites.site_url(sites.STOREFRONT, "customer:order", order_number=order.number)


def send_reminder(instalment_id: int) -> int:
    """Tell the consumer a part is coming due (nothing if it was paid or
    cancelled meanwhile)."""
    part = (
        Instalment.objects.select_related("plan", "plan__order", "plan__user")
        .filter(pk=instalment_id, status=Instalment.Status.SCHEDULED)
        .first()
    )
    if part is None or part.plan.status != InstalmentPlan.Status.ACTIVE:
        return 0
    plan = part.plan
    return send_templated_email(
        to=[plan.user.email],
        template="instalment_reminder",
        context={"part": part, "plan": plan, "order": plan.order, "url": _order_url(plan.order)},
    )


def send_receipt(plan_id: int, reference: str, amount: Decimal) -> int:
    plan = InstalmentPlan.objects.select_related("order", "user").filter(pk=plan_id).first()
    if plan is None:
        return 0
    parts = list(plan.instalments.filter(reference=reference).order_by("number"))
    return send_templated_email(
        to=[plan.user.email],
        template="instalment_receipt",
        context={
            "plan": plan,
            "order": plan.order,
            "parts": parts,
            "amount": amount,
            "left": sum(
                (p.amount for p in plan.instalments.filter(status__in=Instalment.OPEN)),
                Decimal("0.00"),
            ),
            "url": _order_url(plan.order),
        },
    )


@register(topics.REMINDER_EMAIL)
def _remind(message) -> None:
    effect_once(message, lambda: send_reminder(message.payload["instalment"]))


@register(topics.RECEIPT_EMAIL)
def _receipt(message) -> None:
    payload = message.payload
    effect_once(
        message,
        lambda: send_receipt(payload["plan"], payload["reference"], Decimal(payload["amount"])),
    )
