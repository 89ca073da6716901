"""Promotions in a pricing context, voucher codes and usage limits.

``promotions_in_scope`` loads, in one query, the promotions that apply to a
site, company, account tier and consumer segment at a moment (the engine
then decides per product, ``pricing.promotions``). ``voucher_check`` says why
a code cannot be used (a clear message, never a half-applied basket), and
``promotions_redeem`` counts and records uses under the promotion row locks
(step 3a of ``commerce.core.locks``), from order placement.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from commerce import sites
from commerce.core.cache import cache, register_read_ahead
from commerce.core.errors import DomainError
from pricing.promotion_models import Promotion, PromotionRedemption
from pricing.promotions import PromotionFact


class VoucherNotFound(DomainError):
    code = "not_found"
    status = 404

    def __init__(self, code: str = ""):
        super().__init__(f"There is no voucher '{code}'." if code else "No such voucher.")


class VoucherInvalid(DomainError):
    code = "voucher_invalid"
    status = 400

    def __init__(self, code: str, reason: str):
        self.voucher_code, self.reason = code, reason
        super().__init__(f"The voucher {code} cannot be used: {reason}")

    def details(self):
        return {"code": self.voucher_code, "reason": self.reason}


def normalize(code: str) -> str:
    return (code or "").strip().upper()


CACHE_KEY = "pricing:promotions:v1"
CACHE_SECONDS = 300
register_read_ahead(lambda request: [CACHE_KEY])


def _active_rows() -> list[dict]:
    """Every active promotion with its product ids, from the cache (rebuilt from
    two queries on a miss; saving a promotion drops the entry)."""
    rows = cache.get(CACHE_KEY)
    if rows is not None:
        return rows
    rows = list(
        Promotion.objects.filter(is_active=True)
        .order_by("pk")
        .values(
            "pk",
            "name",
            "code",
            "site",
            "company_id",
            "account_tier_id",
            "loyalty_tier_id",
            "percent_off",
            "amount_off",
            "stacks_with_loyalty",
            "valid_from",
            "valid_until",
            "uses",
            "max_uses",
        )
    )
    products: dict[int, list[int]] = {}
    if rows:
        through = Promotion.products.through.objects.filter(
            promotion_id__in=[r["pk"] for r in rows]
        )
        for promotion_id, product_id in through.values_list("promotion_id", "product_id"):
            products.setdefault(promotion_id, []).append(product_id)
    for row in rows:
        row["product_ids"] = products.get(row["pk"])
    cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def forget_promotions(**kwargs) -> None:
    """Drop the cached promotions now and again when the change commits (a
    request in between may have cached the rows as they were)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def _in_scope(row, *, channel, at, company_id, tier_id, loyalty_tier_id) -> bool:
    if row["site"] not in (Promotion.Site.ALL, channel):
        return False
    if row["max_uses"] is not None and row["uses"] >= row["max_uses"]:
        return False  # used up: prices go back to what they were
    if (row["valid_from"] is not None and at < row["valid_from"]) or (
        row["valid_until"] is not None and at >= row["valid_until"]
    ):
        return False
    if channel == sites.PORTAL:
        return (
            row["loyalty_tier_id"] is None
            and row["company_id"] in (None, company_id)
            and row["account_tier_id"] in (None, tier_id)
        )
    return (
        row["company_id"] is None
        and row["account_tier_id"] is None
        and row["loyalty_tier_id"] in (None, loyalty_tier_id)
    )


def promotions_in_scope(
    *, channel, at, company_id=None, tier_id=None, loyalty_tier_id=None
) -> tuple[PromotionFact, ...]:
    """Every active promotion (automatic or voucher) for this buyer here and now
    (no query on a warm cache)."""
    return tuple(
        PromotionFact(
            id=row["pk"],
            name=row["name"],
            code=row["code"],
            percent_off=row["percent_off"],
            amount_off=row["amount_off"],
            company_id=row["company_id"],
            stacks_with_loyalty=row["stacks_with_loyalty"],
            product_ids=frozenset(row["product_ids"]) if row["product_ids"] else None,
        )
        for row in _active_rows()
        if _in_scope(
            row,
            channel=channel,
            at=at,
            company_id=company_id,
            tier_id=tier_id,
            loyalty_tier_id=loyalty_tier_id,
        )
    )


def _uses(promotion: Promotion, *, user, company) -> tuple[int, int]:
    """(all uses, uses by this person or company)."""
    mine = Q(company=company) if company is not None else Q(user=user)
    if company is None and (user is None or not user.is_authenticated):
        mine = Q(pk__in=[])
    counts = PromotionRedemption.objects.filter(promotion=promotion).aggregate(
        total=Count("pk"), mine=Count("pk", filter=mine)
    )
    return counts["total"], counts["mine"]


def _limit_problem(promotion: Promotion, *, user, company) -> str | None:
    if promotion.max_uses is None and promotion.max_uses_per_customer is None:
        return None
    total, mine = _uses(promotion, user=user, company=company)
    if promotion.max_uses is not None and total >= promotion.max_uses:
        return "it has been used as often as it may be"
    if promotion.max_uses_per_customer is not None:
        if company is None and (user is None or not user.is_authenticated):
            return "sign in to use it"
        if mine >= promotion.max_uses_per_customer:
            return "you have already used it"
    return None


def voucher_check(code: str, *, channel: str, user=None, company=None, at=None) -> Promotion:
    """The promotion behind ``code`` when this buyer may use it here and now;
    else ``VoucherNotFound`` or ``VoucherInvalid`` with the reason."""
    code = normalize(code)
    promotion = (
        Promotion.objects.filter(code=code).select_related("company").first() if code else None
    )
    if promotion is None:
        raise VoucherNotFound(code)
    at = at or timezone.now()
    if not promotion.is_active:
        raise VoucherInvalid(code, "it is no longer active")
    if promotion.valid_from is not None and at < promotion.valid_from:
        raise VoucherInvalid(code, "it is not valid yet")
    if promotion.valid_until is not None and at >= promotion.valid_until:
        raise VoucherInvalid(code, "it has expired")
    if promotion.site not in (Promotion.Site.ALL, channel):
        where = sites.get_site(promotion.site).name if promotion.site in sites.all_sites() else ""
        raise VoucherInvalid(code, f"it is only valid on {where or promotion.site}")
    portal = channel == sites.PORTAL
    if promotion.company_id is not None and (
        not portal or company is None or company.pk != promotion.company_id
    ):
        raise VoucherInvalid(code, "it is not valid for your account")
    if promotion.account_tier_id is not None and (
        not portal or company is None or company.price_tier_id != promotion.account_tier_id
    ):
        raise VoucherInvalid(code, "it is not valid for your account tier")
    if promotion.loyalty_tier_id is not None:
        from accounts.models import CustomerLoyalty

        member = (
            not portal
            and user is not None
            and user.is_authenticated
            and CustomerLoyalty.objects.filter(
                user=user, tier_id=promotion.loyalty_tier_id, tier__is_active=True
            ).exists()
        )
        if not member:
            raise VoucherInvalid(code, "it is for members of another loyalty tier")
    problem = _limit_problem(promotion, user=user, company=company)
    if problem:
        raise VoucherInvalid(code, problem)
    return promotion


def lock_promotions(ids) -> list[Promotion]:
    """Step 3a of the lock order: the promotion rows, in primary-key order."""
    return list(Promotion.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk"))


def promotions_claim(ids, *, user=None, company=None) -> list[Promotion]:
    """Lock the promotions an order is about to use (step 3a: after the basket and
    idempotency key, before anything later) and enforce their usage limits."""
    promotions = lock_promotions(ids)
    for promotion in promotions:
        problem = _limit_problem(promotion, user=user, company=company)
        if problem:
            raise VoucherInvalid(promotion.code or promotion.name, problem)
    return promotions


def promotions_record(*, order, promotions, user=None, company=None) -> list:
    """One redemption row per promotion the order's lines used (with the net
    discount they gave), in the placement transaction, after ``promotions_claim``."""
    discounts: dict[int, Decimal] = {}
    for line in order.lines.all():
        quote = line.price_quote or {}
        pk = quote.get("promotion_id")
        if not pk:
            continue
        before = Decimal(quote.get("undiscounted_net") or line.unit_price_excl_tax)
        saved = (before - line.unit_price_excl_tax) * line.quantity
        discounts[pk] = discounts.get(pk, Decimal("0.00")) + saved
    for promotion in promotions:
        promotion.uses += 1  # under its row lock (promotions_claim)
        promotion.save(update_fields=["uses"])
    rows = [
        PromotionRedemption(
            promotion=promotion,
            order=order,
            user=user if user is not None and user.is_authenticated else None,
            company=company,
            discount=discounts.get(promotion.pk, Decimal("0.00")),
        )
        for promotion in promotions
    ]
    return PromotionRedemption.objects.bulk_create(rows)
