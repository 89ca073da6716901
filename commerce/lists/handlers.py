"""Shopping-list side effects from the outbox: a scheduled replenishment fills
the owner's portal basket (or places an order on account) and emails them what
was added and what was not, or why no order was placed."""

from __future__ import annotations

from oscar.core.loading import get_model

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.lists import topics
from commerce.lists.models import ShoppingList
from commerce.lists.replenishment import list_replenish_order
from commerce.lists.services import list_to_basket
from commerce.order.status import PENDING_APPROVAL
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once
from pricing.strategy import Selector

Basket = get_model("basket", "Basket")


def replenish(list_id: int, run: str = "") -> None:
    shopping_list = (
        ShoppingList.objects.select_related("owner", "company").filter(pk=list_id).first()
    )
    if shopping_list is None:
        return
    if shopping_list.replenish_by == ShoppingList.Replenish.ORDER:
        replenish_order(shopping_list, run)
        return
    owner, company = shopping_list.owner, shopping_list.company
    site_id = sites.get_site(sites.PORTAL).site_id
    basket = Basket.open.filter(owner=owner, site_id=site_id, company=company).order_by(
        "pk"
    ).first() or Basket.open.create(owner=owner, site_id=site_id, company=company)
    basket.strategy = Selector().strategy(channel=sites.PORTAL, user=owner, company=company)
    result = list_to_basket(shopping_list=shopping_list, basket=basket)
    send_templated_email(
        to=[owner.email],
        template="list_replenished",
        context={
            "list": shopping_list,
            "added": result.added,
            "problems": result.problems,
            "url": sites.site_url(sites.PORTAL, "portal:list-detail", pk=shopping_list.pk),
        },
    )


def replenish_order(shopping_list: ShoppingList, run: str) -> None:
    result = list_replenish_order(shopping_list=shopping_list, run=run)
    order = result.order
    send_templated_email(
        to=[shopping_list.owner.email],
        template="list_replenish_ordered",
        context={
            "list": shopping_list,
            "order": order,
            "pending_approval": order is not None and order.status == PENDING_APPROVAL,
            "refused": result.refused,
            "added": result.filled.added,
            "problems": result.filled.problems,
            "url": sites.site_url(sites.PORTAL, "portal:list-detail", pk=shopping_list.pk),
        },
    )


@register(topics.REPLENISH)
def _replenish(message) -> None:
    run = message.payload.get("run") or f"message-{message.pk}"
    effect_once(message, lambda: replenish(message.payload["list"], run))
