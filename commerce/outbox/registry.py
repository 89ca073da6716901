"""Which callable handles which outbox topic.

Apps register their handlers in ``AppConfig.ready`` (``<app>/handlers.py``).
A handler gets the ``OutboxMessage`` and must be safe to run again: delivery
is at least once, so every effect is keyed by the message (``effect_once``) or
by a business key that the effect itself records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    topic: str
    func: Callable
    # Delays (seconds) before each retry; None = the default exponential backoff.
    retry_delays: Callable[[], tuple[int, ...]] | None = None
    # Payload keys blanked once delivered (one-time secrets such as emailed codes).
    scrub: tuple[str, ...] = ()


HANDLERS: dict[str, Handler] = {}


def register(topic: str, *, retry_delays=None, scrub: tuple[str, ...] = ()):
    """Decorator: ``func(message)`` handles ``topic``."""

    def decorate(func: Callable) -> Callable:
        HANDLERS[topic] = Handler(topic, func, retry_delays=retry_delays, scrub=scrub)
        return func

    return decorate


def handler_for(topic: str) -> Handler | None:
    return HANDLERS.get(topic)
