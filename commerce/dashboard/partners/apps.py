from oscar.apps.dashboard.partners import apps


class PartnersDashboardConfig(apps.PartnersDashboardConfig):
    """Oscar's partners dashboard (same label), with the partner's lead time."""

    name = "commerce.dashboard.partners"
