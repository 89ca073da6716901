"""Rebuild every product's stored search document (after a deploy that added it,
or a bulk change made outside the catalog's own write paths)."""

from django.core.management.base import BaseCommand

from catalog import search


class Command(BaseCommand):
    help = "Rebuild the search documents of all products."

    def handle(self, *args, **options):
        total = search.reindex_all(
            progress=lambda n: self.stdout.write(f"\r{n} products", ending="")
        )
        self.stdout.write(f"\nRebuilt {total} search documents.")
