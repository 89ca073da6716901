"""A scheduled run of a shopping list that places an order on account.

The order goes through the one ``CheckoutRequest`` and ``order_place``: paid
on account, shipped to the company's default ship-to by the site's first
delivery option, ordered by the list's owner. So the company's approval rules
apply (an order over a threshold waits for approval) and so does its credit
(an order over the limit is not placed, and the owner is told why).

Once per run: the run's idempotency key (list and scheduled time) makes a
redelivered or concurrent run of the same schedule get the first order back.
"""

from __future__ import annotations

from dataclasses import dataclass

from oscar.core.loading import get_model

from accounts.addresses import default_ship_to
from commerce import sites
from commerce.checkout.placement import order_place
from commerce.checkout.request import company_request
from commerce.core.errors import DomainError
from commerce.core.locks import LockConflict
from commerce.lists.exceptions import ListError
from commerce.lists.models import ShoppingList
from commerce.lists.services import ToBasket, list_to_basket
from commerce.order.models import PaymentMethod
from commerce.shipping.repository import methods_for
from pricing.strategy import Selector

Basket = get_model("basket", "Basket")


@dataclass
class Replenished:
    filled: ToBasket
    order: object | None = None
    refused: str = ""  # why no order was placed


def run_key(shopping_list: ShoppingList, run: str) -> str:
    return f"lists.replenish:{shopping_list.pk}:{run}"


def list_replenish_order(*, shopping_list: ShoppingList, run: str) -> Replenished:
    """Order the list's lines on account for its owner, once per scheduled ``run``.

    Lines that cannot be bought now are left out (and reported); when nothing
    can be ordered, the buyer may not order, the company has no default
    ship-to, needs a PO number, or its credit does not cover the order, nothing
    is placed and ``refused`` says why."""
    owner, company = shopping_list.owner, shopping_list.company
    key = run_key(shopping_list, run)
    # A basket of its own, owned by nobody: the owner's shopping basket is left alone.
    basket = Basket.open.create(
        owner=None, site_id=sites.get_site(sites.PORTAL).site_id, company=company
    )
    basket.strategy = Selector().strategy(channel=sites.PORTAL, user=owner, company=company)
    filled = list_to_basket(shopping_list=shopping_list, basket=basket)
    try:
        ship_to = default_ship_to(company)
        if ship_to is None:
            raise ListError(f"{company.name} has no default ship-to address.")
        request = company_request(
            channel=sites.PORTAL,
            user=owner,
            company=company,
            ship_to=ship_to,
            shipping_method_code=methods_for(sites.PORTAL)[0].code,
            payment_method=PaymentMethod.ACCOUNT,
            notes=f"Scheduled replenishment from the list '{shopping_list.name}'.",
        )
        placement = order_place(
            basket=filled.basket, request=request, idempotency_key=key, fingerprint=key
        )
    except LockConflict:
        raise  # the outbox delivers the run again
    except DomainError as error:
        basket.delete()
        return Replenished(filled, refused=error.message)
    if placement.replayed:  # an earlier delivery of this run placed it
        basket.delete()
    return Replenished(filled, order=placement.order)
