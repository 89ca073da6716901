"""The sandbox gateway's side of each card hold.

A real gateway keeps its authorizations on its own servers; the sandbox keeps
them here, so a capture, void or refund works whatever happens to the cache.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class SandboxAuthorization(models.Model):
    authorization_id = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    captured = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    void = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sandbox authorization"

    def __str__(self) -> str:
        return self.authorization_id
