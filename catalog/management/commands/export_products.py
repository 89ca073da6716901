"""Write every product as CSV (the format the product import reads)."""

from django.core.management.base import BaseCommand

from catalog.imports import export_rows


class Command(BaseCommand):
    help = "Export products as CSV (categories, attributes, channels, assortments, stock)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in export_rows():
                    fh.write(chunk)
        else:
            for chunk in export_rows():
                self.stdout.write(chunk, ending="")
