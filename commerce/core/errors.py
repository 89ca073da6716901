"""The one base of every domain error: a stable ``code``, the HTTP ``status``
it answers with, a ``message`` safe to show, and optional ``details``.

Services raise subclasses of ``DomainError`` (checkout, payments, accounts,
roles, approvals, lock conflicts ...); the API turns them into its error body
in one place (``commerce.api.errors.translate``) and pages either show
``error.message`` where they handle it or, when they do not, get a plain
error page with ``error.status`` (``commerce.core.middleware.DomainErrorMiddleware``),
never a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    status = 400

    @property
    def message(self) -> str:
        return str(self)

    def details(self):
        """Structured details for the API body (None when the message says it all)."""
        return None
