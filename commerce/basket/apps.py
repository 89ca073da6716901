import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    name = "commerce.basket"

    def ready(self):
        super().ready()
        from commerce.basket import (
            handlers,  # noqa: F401  (registers the outbox handlers)
            summary,
        )

        summary.connect()
