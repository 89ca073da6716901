"""One customer store for both sites.

A person has one ``User`` (email sign-in). They shop the storefront as a
consumer, and may also be a ``Membership`` of one or more ``Company`` rows,
which is what admits them to the portal. Roles are interpreted only by
``accounts.policy``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractAddress
from oscar.apps.customer.abstract_models import AbstractUser, UserManager
from phonenumber_field.modelfields import PhoneNumberField

from accounts.access_cache import AccessQuerySet


class User(AbstractUser):
    """Email sign-in user, shared by the storefront, the portal and the back office."""

    objects = UserManager.from_queryset(AccessQuerySet)()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        db_table = "accounts_user"


class Company(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("Legal name"), max_length=200)
    tax_id = models.CharField(_("Tax ID"), max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    email = models.EmailField(_("Accounts email"), blank=True)
    phone = models.CharField(max_length=40, blank=True)
    po_number_required = models.BooleanField(
        _("PO number required"), default=False, help_text=_("Orders must carry a PO number.")
    )
    allow_one_off_addresses = models.BooleanField(
        _("Allow one-off delivery addresses"),
        default=False,
        help_text=_(
            "Buyers may send an order to an address that is not one of the company's "
            "ship-to addresses (through the API); such orders are marked on the order desk."
        ),
    )
    price_tier = models.ForeignKey(
        "partner.PriceList",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tier_companies",
        limit_choices_to={"kind": "tier"},
        verbose_name=_("Account tier"),
        help_text=_("The tier price list (e.g. Gold distributor) this company buys from."),
    )
    sales_reps = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="represented_companies",
        limit_choices_to={"is_staff": True},
        help_text=_("Staff sales reps who look after this company (they see only theirs)."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=~Q(tax_id=""),
                name="company_tax_id_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        APPROVER = "approver", _("Approver")
        BUYER = "buyer", _("Buyer")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AccessQuerySet.as_manager()

    class Meta:
        ordering = ["company__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_user_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.get_role_display()})"


class CompanyAddress(AbstractAddress):
    """A company's bill-to address (exactly one) and ship-to addresses (any number)."""

    class Kind(models.TextChoices):
        BILL_TO = "bill_to", _("Bill-to")
        SHIP_TO = "ship_to", _("Ship-to")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHIP_TO)
    label = models.CharField(max_length=100, blank=True, help_text=_("e.g. 'Main warehouse'"))
    phone_number = PhoneNumberField(_("Phone number"), blank=True)
    notes = models.TextField(
        _("Delivery notes"), blank=True, help_text=_("Copied onto orders shipped here.")
    )
    is_default = models.BooleanField(
        default=False, help_text=_("The ship-to preselected at checkout.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["company", "kind", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(kind="bill_to", is_active=True),
                name="company_single_bill_to",
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(kind="ship_to", is_default=True, is_active=True),
                name="company_single_default_ship_to",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.get_kind_display()}: {self.summary}"


class Invitation(models.Model):
    """An emailed, signed, expiring offer to join a company with a role."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Part of the signed token; a new nonce (on resend) voids earlier links.
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.company} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class CompanyEvent(models.Model):
    """Append-only audit trail of everything done to a company (who, when, what, why)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        STATUS_CHANGED = "status_changed", _("Status changed")
        DETAILS_CHANGED = "details_changed", _("Details changed")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        MEMBER_JOINED = "member_joined", _("Member joined")
        MEMBER_ADDED = "member_added", _("Member added")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_DEACTIVATED = "member_deactivated", _("Member deactivated")
        MEMBER_REACTIVATED = "member_reactivated", _("Member reactivated")
        ADDRESS_CHANGED = "address_changed", _("Address changed")
        ASSISTED_STARTED = "assisted_started", _("Staff began acting for a member")
        ASSISTED_ENDED = "assisted_ended", _("Staff stopped acting for a member")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.company}: {self.message}"


class LoyaltyTier(models.Model):
    """A consumer loyalty tier: what it takes (trailing 12 months) and what it gives."""

    name = models.CharField(max_length=60)
    code = models.SlugField(max_length=30, unique=True)
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text=_("Higher ranks are better tiers; 0 is the entry tier.")
    )
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_spend = models.DecimalField(
        _("Minimum spend (12 months)"), max_digits=12, decimal_places=2, default=0
    )
    min_orders = models.PositiveIntegerField(_("Minimum orders (12 months)"), default=0)
    max_return_rate = models.DecimalField(
        _("Maximum return rate"),
        max_digits=5,
        decimal_places=4,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of spend refunded, 0-1 (0.10 = 10 %)."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class CustomerLoyalty(models.Model):
    """A consumer's current loyalty tier and the figures it was computed from."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty"
    )
    tier = models.ForeignKey(
        LoyaltyTier, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    spend = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    orders = models.PositiveIntegerField(default=0)
    return_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("customer loyalty")

    def __str__(self) -> str:
        return f"{self.user}: {self.tier or '-'}"


class AssistedSession(models.Model):
    """A staff member buying on a company member's behalf in the portal.

    Opened from the dashboard (``staff`` may act for ``company``), begun when
    the staff member confirms it on the portal host, and ended by them, by the
    company's admins, by idle expiry or when the staff member loses the right.
    """

    class EndReason(models.TextChoices):
        STAFF = "staff", _("Ended by the staff member")
        CUSTOMER = "customer", _("Ended by a company admin")
        EXPIRED = "expired", _("Expired")
        RIGHT_LOST = "right_lost", _("The staff member may no longer act for the company")
        MEMBER_INACTIVE = "member_inactive", _("The member can no longer use the portal")
        SIGNED_OUT = "signed_out", _("Signed out")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assisted_sessions"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="assisted_sessions"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="assisted_sessions")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when the staff member confirms on the portal host; until then it acts for no one.
    started_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "-created_at"], name="assisted_company_recent")]

    def __str__(self) -> str:
        return f"{self.staff} as {self.membership.user} ({self.company})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class AssistedAction(models.Model):
    """One change made in an assisted session: the member's name on it, and
    the staff member's next to it (append-only)."""

    session = models.ForeignKey(AssistedSession, on_delete=models.CASCADE, related_name="actions")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    view_name = models.CharField(max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.status_code})"
