"""Signed links for consumers: view a lead, answer a survey (single use by its row)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from commerce import sites

_LEAD = "leads.view"
_SURVEY = "leads.survey"


def lead_token(lead) -> str:
    return signing.dumps({"lead": lead.pk}, salt=_LEAD, compress=True)


def lead_from_token(token: str, *, max_age_days: int = 365) -> int | None:
    try:
        data = signing.loads(token, salt=_LEAD, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return data.get("lead") if isinstance(data, dict) else None


def survey_token(survey) -> str:
    return signing.dumps({"survey": survey.pk}, salt=_SURVEY, compress=True)


def survey_from_token(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=_SURVEY, max_age=settings.SURVEY_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return data.get("survey") if isinstance(data, dict) else None


def lead_url(lead) -> str:
    return sites.site_url(sites.STOREFRONT, "storefront:lead-view", token=lead_token(lead))


def survey_url(survey) -> str:
    return sites.site_url(sites.STOREFRONT, "storefront:survey", token=survey_token(survey))
