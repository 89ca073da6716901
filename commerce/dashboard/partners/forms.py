"""Oscar's partner forms, plus the lead time the delivery estimate uses for a
partner's out-of-stock products."""

from django import forms
from oscar.apps.dashboard.partners.forms import PartnerAddressForm as OscarPartnerAddressForm
from oscar.apps.dashboard.partners.forms import PartnerCreateForm as OscarPartnerCreateForm

MAX_LEAD_TIME_DAYS = 365


def lead_time_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Lead time (working days)",
        required=False,
        min_value=0,
        max_value=MAX_LEAD_TIME_DAYS,
        help_text="Working days from an order to dispatch when a product is out of stock here. "
        "Leave empty if unknown.",
    )


class PartnerCreateForm(OscarPartnerCreateForm):
    lead_time_days = lead_time_field()

    class Meta(OscarPartnerCreateForm.Meta):
        fields = ("name", "lead_time_days")


class PartnerAddressForm(OscarPartnerAddressForm):
    """The partner page's form is its address's; name and lead time belong to the
    partner and are saved by the view."""

    lead_time_days = lead_time_field()

    class Meta(OscarPartnerAddressForm.Meta):
        fields = ("name", "lead_time_days", *OscarPartnerAddressForm.Meta.fields[1:])
