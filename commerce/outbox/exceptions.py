class OutboxError(Exception):
    """An outbox row written outside the transaction of the change it belongs to."""


class NoHandler(Exception):
    """No handler is registered for a message's topic."""
