"""``manage.py drain_product_views``: move the product views recorded in Redis to
the outbox now (the beat does it every ``PRODUCT_VIEWS_DRAIN_SECONDS``)."""

from django.core.management.base import BaseCommand

from catalog.product_views import product_views_drain


class Command(BaseCommand):
    help = "Move the product views counted in Redis to the outbox."

    def handle(self, *args, **options):
        moved = product_views_drain()
        self.stdout.write(f"Moved {moved} product view(s) to the outbox.")
