"""Company addresses: one bill-to, any number of ship-tos, one default ship-to."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts import policy
from accounts.exceptions import ShipToNotAllowed, ShipToUnknown
from accounts.models import Company, CompanyAddress, CompanyEvent
from accounts.services import lock_company, record_event

Kind = CompanyAddress.Kind
COMPANY_ADDRESS_FIELDS = (
    "label",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country",
    "phone_number",
    "notes",
)


# Oscar's optional unique ``code`` stores blanks as NULL, and Django's unique
# check would look a blank up as "IS NULL" and find every other address.
_NOT_VALIDATED = ["code"]


def _clear_default(company: Company, *, keep: CompanyAddress | None = None) -> None:
    others = CompanyAddress.objects.filter(
        company=company, kind=Kind.SHIP_TO, is_default=True, is_active=True
    )
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    others.update(is_default=False)


def _log(company, actor, message, address) -> None:
    record_event(
        company=company,
        actor=actor,
        kind=CompanyEvent.Kind.ADDRESS_CHANGED,
        message=message,
        data={"address": address.pk, "kind": address.kind},
    )


@transaction.atomic
def ship_to_create(
    *, company: Company, actor, make_default: bool = False, **fields
) -> CompanyAddress:
    company = lock_company(company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_ADDRESSES)
    has_default = CompanyAddress.objects.filter(
        company=company, kind=Kind.SHIP_TO, is_default=True, is_active=True
    ).exists()
    if make_default:
        _clear_default(company)
    address = CompanyAddress(company=company, kind=Kind.SHIP_TO, **_only_address(fields))
    address.is_default = make_default or not has_default
    address.full_clean(exclude=_NOT_VALIDATED)
    address.save()
    _log(company, actor, f"Added ship-to {address.label or address.summary}", address)
    return address


@transaction.atomic
def address_update(*, address: CompanyAddress, actor, **fields) -> CompanyAddress:
    company = lock_company(address.company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_ADDRESSES)
    address = CompanyAddress.objects.select_for_update().get(pk=address.pk)
    for key, value in _only_address(fields).items():
        setattr(address, key, value)
    address.full_clean(exclude=_NOT_VALIDATED)
    address.save()
    _log(company, actor, f"Changed {address.get_kind_display()} {address.label}", address)
    return address


@transaction.atomic
def ship_to_set_default(*, address: CompanyAddress, actor) -> CompanyAddress:
    company = lock_company(address.company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_ADDRESSES)
    address = CompanyAddress.objects.select_for_update().get(pk=address.pk)
    if address.kind != Kind.SHIP_TO or not address.is_active:
        raise ValueError("only an active ship-to address can be the default")
    _clear_default(company, keep=address)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])
        _log(
            company, actor, f"Made {address.label or address.summary} the default ship-to", address
        )
    return address


@transaction.atomic
def address_edit(*, address: CompanyAddress, actor, make_default: bool = False, **fields):
    """Change an address and, when asked (a ship-to still in use), make it the
    default ship-to: both or neither."""
    address = address_update(address=address, actor=actor, **fields)
    if make_default and address.kind == Kind.SHIP_TO and address.is_active:
        address = ship_to_set_default(address=address, actor=actor)
    return address


@transaction.atomic
def ship_to_deactivate(*, address: CompanyAddress, actor) -> CompanyAddress:
    """Retire a ship-to (orders that used it keep their copy of the address)."""
    company = lock_company(address.company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_ADDRESSES)
    address = CompanyAddress.objects.select_for_update().get(pk=address.pk)
    if address.kind != Kind.SHIP_TO:
        raise ValueError("the bill-to address can be changed but not removed")
    if not address.is_active:
        return address
    was_default = address.is_default
    address.is_active, address.is_default = False, False
    address.save(update_fields=["is_active", "is_default"])
    if was_default:
        successor = (
            CompanyAddress.objects.filter(company=company, kind=Kind.SHIP_TO, is_active=True)
            .order_by("pk")
            .first()
        )
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
    _log(company, actor, f"Removed ship-to {address.label or address.summary}", address)
    return address


def _only_address(fields: dict) -> dict:
    unknown = set(fields) - set(COMPANY_ADDRESS_FIELDS)
    if unknown:
        raise ValueError(f"not address fields: {sorted(unknown)}")
    return fields


# --- Where a business order may go ------------------------------------------------------

# What makes two addresses the same place (names and phone numbers do not).
_PLACE_FIELDS = ("line1", "line2", "line3", "line4", "state", "postcode")
# What an order copies from a company address.
ORDER_ADDRESS_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country",
    "phone_number",
    "notes",
)


@dataclass(frozen=True)
class ShipTo:
    """Where a business order goes: the fields to copy onto the order, and the
    company address they came from (None for a one-off address)."""

    fields: dict
    address: CompanyAddress | None = None

    @property
    def one_off(self) -> bool:
        return self.address is None


def _norm(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def _country_code(country) -> str:
    return _norm(getattr(country, "iso_3166_1_a2", country))


def _same_place(address: CompanyAddress, fields: dict) -> bool:
    return all(_norm(getattr(address, f)) == _norm(fields.get(f)) for f in _PLACE_FIELDS) and (
        _country_code(address.country_id) == _country_code(fields.get("country"))
    )


def order_address_fields(address) -> dict:
    """What an order copies from ``address`` (a company, user or Oscar address;
    None gives nothing)."""
    if address is None:
        return {}
    return {f: getattr(address, f) for f in ORDER_ADDRESS_FIELDS if hasattr(address, f)}


def bill_to_fields(company: Company) -> dict | None:
    """The company's active bill-to, as an order's billing address (None if it has none)."""
    bill_to = CompanyAddress.objects.filter(
        company=company, kind=Kind.BILL_TO, is_active=True
    ).first()
    return order_address_fields(bill_to) if bill_to is not None else None


def default_ship_to(company: Company) -> ShipTo | None:
    """The company's default ship-to (or its first active one), for orders nobody
    typed an address for (scheduled replenishment); None when it has none."""
    found = (
        CompanyAddress.objects.filter(company=company, kind=Kind.SHIP_TO, is_active=True)
        .select_related("country")
        .order_by("-is_default", "pk")
        .first()
    )
    return ShipTo(fields=order_address_fields(found), address=found) if found else None


def ship_to_for_order(
    *, company: Company, address_id: int | None = None, address: dict | None = None
) -> ShipTo:
    """Where an order of ``company`` may be shipped, from either door (portal
    page, API). The rule: one of the company's active ship-to addresses, named
    by id or given as an address equal to one of them (the company's copy is
    used); any other address only when the company allows one-off addresses,
    and then the order says so. ``address`` has Oscar's address fields with
    ``country`` a Country or an ISO code.

    Raises ``ShipToUnknown`` for an id that is not the company's,
    ``ShipToNotAllowed`` for an address that is not one of its ship-tos."""
    ship_tos = CompanyAddress.objects.filter(company=company, kind=Kind.SHIP_TO, is_active=True)
    if address_id is not None:
        found = ship_tos.select_related("country").filter(pk=address_id).first()
        if found is None:
            raise ShipToUnknown("No such ship-to address.")
        return ShipTo(fields=order_address_fields(found), address=found)
    if not address:
        raise ShipToUnknown("Give a ship-to address.")
    for candidate in ship_tos.select_related("country").order_by("-is_default", "pk"):
        if _same_place(candidate, address):
            return ShipTo(fields=order_address_fields(candidate), address=candidate)
    if not company.allow_one_off_addresses:
        raise ShipToNotAllowed(
            f"{company.name} ships only to its own ship-to addresses: choose one of them, "
            "or ask a company admin to add this address."
        )
    return ShipTo(fields=dict(address))
