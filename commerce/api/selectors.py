"""Read-only queries of the API. Every product the API shows or sells comes
from ``products_for``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from oscar.core.loading import get_model

from catalog import selectors as catalog
from catalog.visibility import request_context
from commerce.billing import credit
from commerce.billing.models import CreditAccount

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


def products_for(
    request,
    *,
    category: int | None = None,
    search: str = "",
    sku: str = "",
    sort: str = catalog.DEFAULT_SORT,
) -> QuerySet:
    """The products this caller may see on this site (catalog visibility: the
    host's channel and, on the portal, the active company), shaped for pricing a
    page at once (the catalog's own listing queries). Anything else is a 404."""
    site, company = request_context(getattr(request, "_request", request))
    search = search.strip()
    products = (
        catalog.search_products(search, site=site, company=company, sort=sort)
        if search
        else catalog.browsable_products(site=site, company=company, sort=sort)
    )
    if category is not None:
        node = Category.objects.browsable().filter(pk=category).first()
        if node is None:
            return products.none()
        products = products.filter(
            Exists(
                ProductCategory.objects.filter(
                    product=OuterRef("pk"), category__path__startswith=node.path
                )
            )
        )
    if sku.strip():
        wanted = sku.strip()
        products = products.filter(
            Q(upc__iexact=wanted) | Q(stockrecords__partner_sku__iexact=wanted)
        ).distinct()
    return products


@dataclass(frozen=True)
class CompanyCredit:
    account: CreditAccount
    standing: credit.CreditStanding


def company_credit(company) -> CompanyCredit | None:
    """The company's terms and credit standing (the credit module's own figures),
    or None when it has no payment terms, as the portal checkout shows it."""
    account = credit.account_for_company(company)
    if account is None or not account.is_active:
        return None
    return CompanyCredit(account=account, standing=credit.standings([account])[account.pk])
