from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine


class Line(AbstractLine):
    """An order line keeps the price quote that produced its price: the rule
    that won, the reason the buyer saw, and the full breakdown."""

    price_rule = models.CharField(_("Price rule"), max_length=20, blank=True)
    price_reason = models.CharField(_("Price reason"), max_length=200, blank=True)
    price_quote = models.JSONField(_("Price quote"), default=dict, blank=True)


from oscar.apps.order.models import *  # noqa: E402, F403
