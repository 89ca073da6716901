from django.core.management.base import BaseCommand

from commerce.imports.services import import_files_purge


class Command(BaseCommand):
    help = "Delete uploaded import files older than IMPORT_FILE_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = import_files_purge()
        self.stdout.write(f"Deleted {deleted} import file(s).")
