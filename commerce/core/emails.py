"""Plain transactional emails rendered from templates (subject + text body)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.template import Context
from django.template.loader import get_template


def send_templated_email(*, to: Iterable[str], template: str, context: dict) -> int:
    """Render ``emails/<template>_subject.txt`` and ``_body.txt`` and send them.

    Returns the number of messages sent (0 when there is nobody to send to).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    subject = " ".join(_render(f"emails/{template}_subject.txt", context).split())
    body = _render(f"emails/{template}_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _render(name: str, context: dict) -> str:
    """Plain text: no HTML escaping (a company called "Smith & Sons" stays so)."""
    return get_template(name).template.render(Context(context, autoescape=False))
