"""Read-only queries of shopping lists: a member sees their own lists and the
lists shared with their company; anything else does not exist for them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from commerce.lists.models import ShoppingList, ShoppingListLine


def lists_for(membership) -> QuerySet[ShoppingList]:
    if membership is None:
        return ShoppingList.objects.none()
    return (
        ShoppingList.objects.filter(company_id=membership.company_id)
        .filter(Q(shared=True) | Q(owner_id=membership.user_id))
        .select_related("owner")
        .annotate(line_count=Count("lines"))
        .order_by("name", "pk")
    )


def list_for(membership, pk) -> ShoppingList | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return lists_for(membership).filter(pk=pk).first()


def lines_of(shopping_list) -> list[ShoppingListLine]:
    return list(
        shopping_list.lines.select_related("product", "product__product_class", "product__parent")
        .prefetch_related("product__stockrecords")
        .order_by("pk")
    )
