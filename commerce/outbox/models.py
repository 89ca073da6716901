"""Outbox rows: one side effect each, written in the transaction of the change
that causes it, and the receipts that make each effect happen once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERING = "delivering", _("Delivering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        DEAD = "dead", _("Dead")

    topic = models.CharField(max_length=64, db_index=True)
    payload = models.JSONField(default=dict, blank=True)
    # Optional: a second emit with the same key is ignored (one effect per key).
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the row is due: its next try, or the end of a relay's lease while delivering.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        permissions = [("retry_outboxmessage", "Can retry outbox messages")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.topic} ({self.status})"


class OutboxReceipt(models.Model):
    """Step ``step`` of message ``message`` took effect. Written in the same
    transaction as the effect, so a redelivered message skips it."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="receipts")
    step = models.CharField(max_length=100, default="")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "step"], name="outbox_receipt_once")
        ]

    def __str__(self) -> str:
        return f"#{self.message_id}:{self.step}"
