"""``POST /api/checkout/``'s validated body, read into what the order pipeline
takes: the one ``CheckoutRequest``, the company's ship-to (the one ship-to
rule) and the accepted quote to order, if any. Bad input raises ``ApiError``
(a clear 400 or 404) before anything is placed."""

from __future__ import annotations

from dataclasses import dataclass

from oscar.core.loading import get_model

from accounts import addresses
from accounts.addresses import ShipTo
from accounts.exceptions import ShipToUnknown
from commerce.api.errors import ApiError
from commerce.checkout.placement import CheckoutRequest
from commerce.checkout.request import api_request
from commerce.core import attribution
from commerce.quotes import selectors as quote_selectors
from commerce.shipping.repository import methods_for

Country = get_model("address", "Country")


@dataclass(frozen=True)
class CheckoutBody:
    request: CheckoutRequest
    ship_to: ShipTo | None  # a company order's ship-to, to record a one-off address
    quote: object | None  # the accepted quote ordered, or None for the basket


def with_country(fields: dict) -> dict:
    """``fields`` with ``country`` a Country (the API takes an ISO code)."""
    if not hasattr(fields["country"], "pk"):
        country = Country.objects.filter(iso_3166_1_a2=str(fields["country"]).upper()).first()
        if country is None:
            raise ApiError(
                "Unknown country.",
                code="validation_error",
                details={"shipping_address": {"country": ["Unknown country code."]}},
            )
        fields["country"] = country
    return fields


def body_ship_to(site, data) -> ShipTo | None:
    """For a company order, where it may go (the one ship-to rule); None on the storefront."""
    if site.company is None:
        if data.get("ship_to"):
            raise ApiError(
                "ship_to is for business orders on the portal.",
                code="validation_error",
                details={"ship_to": ["Use shipping_address."]},
            )
        return None
    try:
        return addresses.ship_to_for_order(
            company=site.company,
            address_id=data.get("ship_to"),
            address=data.get("shipping_address"),
        )
    except ShipToUnknown as error:
        field = data.get("ship_to_field", "shipping_address")
        raise ApiError(
            str(error), code="validation_error", details={field: [str(error)]}
        ) from error


def body_quote(site, data):
    """The accepted quote to order (``quote``), or None: one of the active company's."""
    if not data.get("quote"):
        return None
    quote = quote_selectors.quote_for_member(site.membership, data["quote"])
    if quote is None or site.company is None:
        raise ApiError("No such quote.", code="not_found", status_code=404)
    return quote


def checkout_body(site, http_request, data) -> CheckoutBody:
    """The validated body ``data`` of ``http_request`` (a DRF request) on ``site``."""
    quote = body_quote(site, data)
    ship_to = body_ship_to(site, data)
    if ship_to is not None:
        ship_to = ShipTo(fields=with_country(dict(ship_to.fields)), address=ship_to.address)
    else:
        data = {**data, "shipping_address": with_country(dict(data["shipping_address"]))}
    if not data["shipping_method"]:
        data = {**data, "shipping_method": methods_for(site.channel)[0].code}
    checkout = api_request(
        site=site,
        user=http_request.user,
        data=data,
        ship_to=ship_to,
        source=attribution.snapshot(http_request._request),
    )
    return CheckoutBody(request=checkout, ship_to=ship_to, quote=quote)
