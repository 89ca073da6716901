"""Oscar's partner views; the partner page also saves the partner's lead time."""

from django.db import transaction
from oscar.apps.dashboard.partners.views import PartnerManageView as OscarPartnerManageView


class PartnerManageView(OscarPartnerManageView):
    def get_initial(self):
        return {**super().get_initial(), "lead_time_days": self.partner.lead_time_days}

    @transaction.atomic
    def form_valid(self, form):
        self.partner.lead_time_days = form.cleaned_data["lead_time_days"]
        # Oscar's form_valid saves the name (and with it the lead time) and the address.
        return super().form_valid(form)
