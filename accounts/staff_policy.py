"""Staff roles: the one table of which dashboard sections each role may use.

Each dashboard section (an Oscar dashboard app, by label) is guarded by one
permission, ``accounts.access_<label>``; a role is a Django group holding the
access permissions of its sections plus the matching model permissions for
the Django admin. ``apply_section_permissions`` makes every URL of a section
require its permission (Oscar's ``permissions_map``/``default_permissions``),
so Oscar's own decorator refuses the URL (403, or the login page when signed
out) and ``default_access_fn`` drops it from the dashboard menu.

A sales rep sees only the companies they are assigned to
(``Company.sales_reps``); ``company_scope`` is the one place that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

ALL_ACTIONS = ("add", "change", "delete", "view")
ACCESS_APP = "accounts"
# Roles holding this see every company; without it a staff member sees only
# the companies they represent.
VIEW_ALL_COMPANIES = "view_all_companies"


@dataclass(frozen=True)
class Section:
    label: str
    # Models ("app_label.model" or "app_label.*") the Django admin shows for it.
    models: tuple[str, ...] = ()

    @property
    def codename(self) -> str:
        return f"access_{self.label}"

    @property
    def permission(self) -> str:
        return f"{ACCESS_APP}.{self.codename}"


SECTIONS: dict[str, Section] = {
    s.label: s
    for s in (
        Section("catalogue_dashboard", ("catalogue.*",)),
        Section("ranges_dashboard", ("offer.range", "offer.rangeproduct")),
        Section("partners_dashboard", ("partner.partner", "partner.stockrecord")),
        Section("reviews_dashboard", ("reviews.*",)),
        Section("offers_dashboard", ("offer.conditionaloffer", "offer.benefit", "offer.condition")),
        Section("vouchers_dashboard", ("voucher.*",)),
        Section("pages_dashboard", ("flatpages.*",)),
        Section("communications_dashboard", ("communication.*",)),
        Section("shipping_dashboard", ("shipping.*",)),
        Section("users_dashboard", ("accounts.user",)),
        Section("orders_dashboard", ("order.*",)),
        Section("reports_dashboard"),
        Section("sales_reports_dashboard"),
        Section(
            "companies_dashboard",
            ("accounts.company", "accounts.membership", "accounts.companyaddress"),
        ),
        Section("pricing_dashboard", ("partner.pricelist", "partner.pricelistentry")),
        Section("imports_dashboard", ("imports.*",)),
        Section("billing_dashboard", ("billing.*",)),
        Section("dealers_dashboard", ("dealers.*",)),
        Section("approvals_dashboard", ("approvals.*",)),
        Section("quotes_dashboard", ("quotes.*",)),
        Section("api_dashboard"),
        Section("outbox_dashboard", ("outbox.*",)),
        Section("webhooks_dashboard", ("webhooks.*",)),
    )
}


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    sections: tuple[str, ...]
    # Django admin actions granted on the sections' models.
    admin_actions: tuple[str, ...] = ALL_ACTIONS
    sees_all_companies: bool = True


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role(
            "catalog_manager",
            "Catalog manager",
            sections=(
                "catalogue_dashboard",
                "ranges_dashboard",
                "partners_dashboard",
                "reviews_dashboard",
                "pricing_dashboard",
                "imports_dashboard",
            ),
        ),
        Role(
            "credit_controller",
            "Credit controller",
            sections=(
                "companies_dashboard",
                "billing_dashboard",
                "approvals_dashboard",
                "orders_dashboard",
                "reports_dashboard",
                "sales_reports_dashboard",
            ),
        ),
        # The admin cannot narrow a list to a rep's companies, so reps work in
        # the dashboard only.
        Role(
            "sales_rep",
            "Sales rep",
            sections=(
                "companies_dashboard",
                "orders_dashboard",
                "approvals_dashboard",
                "quotes_dashboard",
                "sales_reports_dashboard",
            ),
            admin_actions=(),
            sees_all_companies=False,
        ),
        Role("administrator", "Administrator", sections=tuple(SECTIONS)),
    )
}


def group_name(role_key: str) -> str:
    return ROLES[role_key].name


# --- Applying the table to Oscar's dashboard apps -------------------------------------


def dashboard_configs():
    from django.apps import apps
    from oscar.core.application import OscarDashboardConfig

    return [
        config
        for config in apps.get_app_configs()
        if isinstance(config, OscarDashboardConfig) and config.label != "dashboard"
    ]


def section_permissions(label: str) -> list[str]:
    """What every URL of a dashboard section requires. A section missing from
    the table is for superusers only (its permission is never granted)."""
    return ["is_staff", f"{ACCESS_APP}.access_{label}"]


def apply_section_permissions() -> None:
    """Replace each dashboard app's permissions with its section's: called once
    every app's ``ready()`` has configured its own, before URLs are built."""
    for config in dashboard_configs():
        required = section_permissions(config.label)
        config.default_permissions = required
        config.permissions_map = dict.fromkeys(config.permissions_map, required)


# --- Groups and permissions -------------------------------------------------------------


def _access_content_type():
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Company

    return ContentType.objects.get_for_model(Company)


def _model_permissions(section: Section, actions: tuple[str, ...]) -> QuerySet:
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if not actions or not section.models:
        return Permission.objects.none()
    query = Q()
    for spec in section.models:
        app_label, model = spec.split(".")
        where = Q(content_type__app_label=app_label)
        if model != "*":
            where &= Q(content_type__model=model)
        query |= where
    codenames = Q()
    for action in actions:
        codenames |= Q(codename__startswith=f"{action}_")
    return Permission.objects.filter(query & codenames)


@transaction.atomic
def ensure_staff_roles() -> dict[str, object]:
    """Create or update one group per role with exactly the permissions the
    table gives it. Safe to run again; returns the groups by role key."""
    from django.contrib.auth.models import Group, Permission

    content_type = _access_content_type()
    access = {}
    for section in SECTIONS.values():
        access[section.label], _ = Permission.objects.update_or_create(
            content_type=content_type,
            codename=section.codename,
            defaults={"name": f"Can use the {section.label.replace('_', ' ')}"},
        )
    view_all, _ = Permission.objects.update_or_create(
        content_type=content_type,
        codename=VIEW_ALL_COMPANIES,
        defaults={"name": "Can see every company (not only those represented)"},
    )
    groups = {}
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.name)
        permissions = {access[label].pk for label in role.sections}
        if role.sees_all_companies:
            permissions.add(view_all.pk)
        for label in role.sections:
            permissions.update(
                _model_permissions(SECTIONS[label], role.admin_actions).values_list("pk", flat=True)
            )
        group.permissions.set(permissions)
        groups[role.key] = group
    return groups


def staff_role_assign(*, user, role_key: str) -> None:
    """Put a staff member in a role's group (they must be staff to use the dashboard)."""
    groups = ensure_staff_roles()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(groups[role_key])


def sales_rep_candidates() -> QuerySet:
    """Active staff in the sales rep group: who can be assigned to a company."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, groups__name=ROLES["sales_rep"].name)
        .order_by("email")
    )


# --- Company scoping ----------------------------------------------------------------


def may_use_section(user, label: str) -> bool:
    """``user`` is active staff whose role gives them the dashboard section
    ``label``: the same answer for the section's pages and for the API's
    back-office actions that belong to it."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(SECTIONS[label].permission)
    )


# What the API's back-office actions need, by the section they belong to:
# money and credit (payments) are the billing section's (credit controller,
# administrator); catalog managers and sales reps never have it.
MONEY_AND_CREDIT = "billing_dashboard"


def sees_all_companies(user) -> bool:
    return user.is_superuser or user.has_perm(f"{ACCESS_APP}.{VIEW_ALL_COMPANIES}")


def company_scope(queryset: QuerySet, user, *, field: str = "company") -> QuerySet:
    """``queryset`` narrowed to the companies ``user`` may see; ``field`` is the
    lookup path to the company ("" when ``queryset`` is of companies)."""
    if sees_all_companies(user):
        return queryset
    lookup = f"{field}__sales_reps" if field else "sales_reps"
    return queryset.filter(**{lookup: user})


# --- Buying on a customer's behalf ------------------------------------------------------


def may_act_for(user, company) -> bool:
    """``user`` may buy on behalf of ``company``'s members (an assisted session):
    a sales rep for a company they represent, or a superuser; no other staff
    role, however much of the dashboard it sees."""
    if not may_use_section(user, "companies_dashboard"):
        return False
    if user.is_superuser:
        return True
    return company.sales_reps.filter(pk=user.pk).exists()
