"""The header's mini basket (number of items and total), cached per basket owner.

Every portal page and every signed-in customer's storefront page shows it;
loading the basket and its lines (and pricing them) on every page would cost
more than the page. The summary is cached under the
owner, site and company, the owner's basket version (any basket or line write
of theirs bumps it), the price audience (the company's lists and tier, the
promotions in scope now) and the catalog versions (prices, promotions, stock,
visibility). It is a display only: the basket page and checkout load and price
the basket live. With Redis down it is computed on every page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model

from catalog.versions import catalog_versions
from commerce.core.cache import (
    cache,
    cache_version,
    cache_version_bump_at_commit,
    register_read_ahead,
)
from commerce.core.sessions import USER_STAGE, session_user_id

TIMEOUT = 10 * 60


def _version_key(owner_id) -> str:
    return f"basket:mini-version:{owner_id}"


def _read_ahead(request) -> list[str]:
    user = getattr(request, "user", None)
    if user is None:  # before the authentication middleware: the session's user
        owner_id = session_user_id(request)
        return [_version_key(owner_id)] if owner_id else []
    return [_version_key(user.pk)] if user.is_authenticated else []


register_read_ahead(_read_ahead, stage=USER_STAGE, again=True)


def summary_version(owner_id) -> str:
    """The version of the owner's baskets (any basket or line write bumps it)."""
    version_key = _version_key(owner_id)
    return cache.get(version_key) or cache_version(version_key)


def shown_summary_version(request) -> str:
    """The basket version of the mini basket this request showed, else the current one."""
    return getattr(request, "_summary_version_shown", None) or summary_version(request.user.pk)


def _key(request) -> str:
    user = request.user
    company = getattr(request, "company", None)
    version = summary_version(user.pk)
    request._summary_version_shown = version
    return ":".join(
        [
            "basket:mini",
            str(user.pk),
            str(request.site_info.site_id),
            str(company.pk if company is not None else "-"),
            version,
            request.strategy.price_audience(),
            catalog_versions(),
        ]
    )


def mini_basket(request) -> dict:
    """``{"num_lines", "num_items", "total", "total_incl_tax", "currency"}`` of the
    request's basket (a signed-in user's)."""
    summary = cache.get(_key(request))
    if summary is None:
        basket = request.basket
        summary = {
            "num_lines": basket.num_lines,
            "num_items": basket.num_items if basket.num_lines else 0,
            "total": basket.total_excl_tax if basket.num_lines else None,
            # The storefront shows it (its prices include tax); None where tax is not known.
            "total_incl_tax": (
                basket.total_incl_tax if basket.num_lines and basket.is_tax_known else None
            ),
            "currency": basket.currency,
        }
        # Loading the basket may have created or merged one: the key after it.
        cache.set(_key(request), summary, TIMEOUT)
    return summary


def basket_changed(owner_id, basket_id=None) -> None:
    """Retire the owner's cached summary (an anonymous basket's own version when it
    has no owner), now and when the transaction commits."""
    if owner_id is not None:
        cache_version_bump_at_commit(_version_key(owner_id))
    elif basket_id is not None:
        cache_version_bump_at_commit(_anonymous_version_key(basket_id))


# --- an anonymous visitor's basket (its cookie) ------------------------------------------


def _anonymous_version_key(basket_id) -> str:
    return f"basket:anonymous-version:{basket_id}"


def cookie_basket_id(request) -> int | None:
    """The id of the open anonymous basket the visitor's cookie names on this site,
    if the cookie is genuine (signed by us); None without one."""

    channel = getattr(request, "channel", None)
    value = request.COOKIES.get(f"{settings.OSCAR_BASKET_COOKIE_OPEN}_{channel}")
    if not value:
        return None
    try:
        basket_id = Signer().unsign(value)
    except BadSignature:
        return None
    return int(basket_id) if basket_id.isdigit() else None


def anonymous_basket_version(basket_id) -> str:
    """The version of an anonymous basket (any write to it or its lines bumps it)."""
    version_key = _anonymous_version_key(basket_id)
    return cache.get(version_key) or cache_version(version_key)


def _anonymous_read_ahead(request) -> list[str]:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:  # such pages are rendered
        return []
    basket_id = cookie_basket_id(request)
    return [_anonymous_version_key(basket_id)] if basket_id is not None else []


register_read_ahead(_anonymous_read_ahead)


def _basket_written(sender, instance, **kwargs):
    basket_changed(instance.owner_id, instance.pk)


def _line_written(sender, instance, **kwargs):
    basket = instance._state.fields_cache.get("basket")
    Basket = get_model("basket", "Basket")
    owner_id = (
        basket.owner_id
        if basket is not None
        else Basket.objects.filter(pk=instance.basket_id).values_list("owner_id", flat=True).first()
    )
    basket_changed(owner_id, instance.basket_id)


def connect() -> None:
    Basket = get_model("basket", "Basket")
    Line = get_model("basket", "Line")
    for signal in (post_save, post_delete):
        signal.connect(_basket_written, sender=Basket, dispatch_uid=f"mini-basket-{signal}")
        signal.connect(_line_written, sender=Line, dispatch_uid=f"mini-basket-line-{signal}")
