"""Demo people and companies: the sign-ins listed in the README.

Every demo account gets the password ``DEMO_PASSWORD``; it is set here and
nowhere else, so a deployment that never runs ``seed_demo`` has none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from accounts.models import Company, CompanyAddress, Membership
from accounts.staff_policy import ensure_staff_roles, staff_role_assign

Country = get_model("address", "Country")

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password

COUNTRIES = [
    ("DE", "DEU", "276", "Germany"),
    ("AT", "AUT", "040", "Austria"),
    ("FR", "FRA", "250", "France"),
    ("NL", "NLD", "528", "Netherlands"),
    ("GB", "GBR", "826", "United Kingdom"),
]


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    is_staff: bool = False
    # A staff role from ``accounts.staff_policy`` (staff without one are superusers).
    role: str = ""


STAFF = Person("staff@example.com", "Sam", "Staff", is_staff=True)
# One demo staff member per role; the sales rep looks after Acme Industrial only.
STAFF_ROLES = [
    Person("catalog@example.com", "Cara", "Catalog", is_staff=True, role="catalog_manager"),
    Person("credit@example.com", "Colin", "Credit", is_staff=True, role="credit_controller"),
    Person("rep@example.com", "Rita", "Rep", is_staff=True, role="sales_rep"),
    Person("admin@example.com", "Adam", "Administrator", is_staff=True, role="administrator"),
]
SALES_REP_COMPANIES = {"rep@example.com": ["Acme Industrial"]}
CONSUMERS = [
    Person("consumer@example.com", "Chris", "Consumer"),
    Person("gold.consumer@example.com", "Gina", "Gold"),
    Person("silver.consumer@example.com", "Sven", "Silver"),
    Person("household.member@example.com", "Hanna", "Household"),
]

COMPANIES = {
    "Acme Industrial": {
        "tax_id": "DE811234567",
        "email": "accounts@acme.example",
        "country": "DE",
        "bill_to": ("Industriestrasse 12", "Stuttgart", "70565"),
        "ship_to": [
            ("Main plant", "Industriestrasse 12", "Stuttgart", "70565"),
            ("Warehouse East", "Hafenweg 3", "Dresden", "01067"),
        ],
        "members": [
            (Person("admin@acme.example", "Alice", "Admin"), Membership.Role.ADMIN),
            (Person("approver@acme.example", "Arthur", "Approver"), Membership.Role.APPROVER),
            (Person("buyer@acme.example", "Bella", "Buyer"), Membership.Role.BUYER),
            (Person("viewer@acme.example", "Victor", "Viewer"), Membership.Role.VIEWER),
        ],
    },
    "Globex Supply": {
        "tax_id": "GB987654321",
        "email": "finance@globex.example",
        "country": "GB",
        "bill_to": ("1 Market Street", "Manchester", "M1 1AA"),
        "ship_to": [("Manchester depot", "1 Market Street", "Manchester", "M1 1AA")],
        "members": [
            (Person("admin@globex.example", "Greta", "Admin"), Membership.Role.ADMIN),
            (Person("buyer@globex.example", "Gus", "Buyer"), Membership.Role.BUYER),
        ],
    },
}

BOTH = Person("both@example.com", "Blake", "Both")

# A business that signed up and waits for staff approval (try it in the dashboard).
PENDING = {
    "Initech Components": {
        "tax_id": "DE300400500",
        "email": "office@initech.example",
        "country": "DE",
        "bill_to": ("Werkstrasse 1", "Leipzig", "04109"),
        "ship_to": [],
        "members": [(Person("admin@initech.example", "Ina", "Tech"), Membership.Role.ADMIN)],
        "status": Company.Status.PENDING,
    }
}


def ensure_countries() -> None:
    for order, (a2, a3, numeric, name) in enumerate(COUNTRIES):
        Country.objects.update_or_create(
            iso_3166_1_a2=a2,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": numeric,
                "printable_name": name,
                "name": name,
                "is_shipping_country": True,
                "display_order": len(COUNTRIES) - order,
            },
        )


def ensure_user(person: Person):
    User = get_user_model()
    user, _ = User.objects.update_or_create(
        email=person.email,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_staff": person.is_staff,
            "is_superuser": person.is_staff and not person.role,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _ensure_address(company, kind, *, label, line1, city, postcode, country, default=False):
    address = CompanyAddress.objects.filter(company=company, kind=kind, label=label).first()
    fields = {
        "first_name": "",
        "last_name": company.name,
        "line1": line1,
        "line4": city,
        "postcode": postcode,
        "country": country,
        "is_default": default,
        "is_active": True,
    }
    if address is None:
        CompanyAddress.objects.create(company=company, kind=kind, label=label, **fields)


def ensure_company(name: str, spec: dict) -> Company:
    # get_or_create: a re-run must not undo what someone did with the demo (e.g. approve).
    company, _ = Company.objects.get_or_create(
        name=name,
        defaults={
            "tax_id": spec["tax_id"],
            "email": spec["email"],
            "status": spec.get("status", Company.Status.ACTIVE),
        },
    )
    country = Country.objects.get(iso_3166_1_a2=spec["country"])
    line1, city, postcode = spec["bill_to"]
    _ensure_address(
        company,
        CompanyAddress.Kind.BILL_TO,
        label="Head office",
        line1=line1,
        city=city,
        postcode=postcode,
        country=country,
    )
    for n, (label, line1, city, postcode) in enumerate(spec["ship_to"]):
        _ensure_address(
            company,
            CompanyAddress.Kind.SHIP_TO,
            label=label,
            line1=line1,
            city=city,
            postcode=postcode,
            country=country,
            default=n == 0,
        )
    for person, role in spec["members"]:
        ensure_membership(ensure_user(person), company, role)
    return company


def ensure_membership(user, company, role) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, company=company, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def seed_people() -> dict[str, Company]:
    ensure_countries()
    ensure_user(STAFF)
    for person in CONSUMERS:
        ensure_user(person)
    companies = {name: ensure_company(name, spec) for name, spec in COMPANIES.items()}
    for name, spec in PENDING.items():
        ensure_company(name, spec)
    both = ensure_user(BOTH)
    for company in companies.values():
        ensure_membership(both, company, Membership.Role.BUYER)
    seed_staff_roles(companies)
    return companies


def seed_staff_roles(companies: dict[str, Company]) -> None:
    """The role groups, one demo staff member in each, and the rep's companies."""
    ensure_staff_roles()
    for person in STAFF_ROLES:
        user = ensure_user(person)
        staff_role_assign(user=user, role_key=person.role)
        for name in SALES_REP_COMPANIES.get(person.email, []):
            companies[name].sales_reps.add(user)
