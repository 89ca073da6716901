"""Write every product as CSV or XLSX (the format the product import reads)."""

from django.core.management.base import BaseCommand, CommandError

from catalog.exports import export_rows, export_xlsx


class Command(BaseCommand):
    help = "Export products (categories, attributes, channels, assortments, stock) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="default: from the output file's extension, else csv",
        )

    def handle(self, *args, output=None, format=None, **options):
        if format is None:
            format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        if format == "xlsx":
            if not output:
                raise CommandError("XLSX needs --output (a workbook is not text).")
            export_xlsx(output)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in export_rows():
                    fh.write(chunk)
        else:
            for chunk in export_rows():
                self.stdout.write(chunk, ending="")
