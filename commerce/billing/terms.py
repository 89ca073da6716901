"""Payment terms and the due dates they give."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Terms(models.TextChoices):
    DUE_ON_RECEIPT = "due_on_receipt", _("Due on receipt")
    NET_15 = "net_15", _("Net 15")
    NET_30 = "net_30", _("Net 30")
    NET_45 = "net_45", _("Net 45")
    NET_60 = "net_60", _("Net 60")
    NET_90 = "net_90", _("Net 90")
    EOM_30 = "eom_30", _("30 days end of month")
    EOM_60 = "eom_60", _("60 days end of month")


_NET_DAYS = {
    Terms.DUE_ON_RECEIPT: 0,
    Terms.NET_15: 15,
    Terms.NET_30: 30,
    Terms.NET_45: 45,
    Terms.NET_60: 60,
    Terms.NET_90: 90,
}
_EOM_DAYS = {Terms.EOM_30: 30, Terms.EOM_60: 60}


def due_date(terms: str, issued: date) -> date:
    """When an invoice issued on ``issued`` falls due under ``terms``.

    Net N: N days after issue. End-of-month N: N days after the last day of
    the month of issue.
    """
    terms = Terms(terms)
    if terms in _NET_DAYS:
        return issued + timedelta(days=_NET_DAYS[terms])
    month_end = issued.replace(day=calendar.monthrange(issued.year, issued.month)[1])
    return month_end + timedelta(days=_EOM_DAYS[terms])
