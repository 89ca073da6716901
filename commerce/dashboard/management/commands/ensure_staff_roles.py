"""Create or update the staff role groups from ``accounts.staff_policy``."""

from django.core.management.base import BaseCommand

from accounts.staff_policy import ROLES, ensure_staff_roles


class Command(BaseCommand):
    help = "Create or update one group per staff role with the permissions the role table gives it."

    def handle(self, *args, **options):
        groups = ensure_staff_roles()
        for key, group in groups.items():
            self.stdout.write(f"{ROLES[key].name}: {group.permissions.count()} permissions")
