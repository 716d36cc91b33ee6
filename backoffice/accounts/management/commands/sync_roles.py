from django.core.management.base import BaseCommand, CommandError

from backoffice.accounts.services import roles_sync
from backoffice.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Make each role's group hold exactly the permissions defined in accounts/roles.py."

    def handle(self, *args, **options) -> None:
        try:
            counts = roles_sync(using=options.get("database") or "default")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        for code, count in counts.items():
            self.stdout.write(f"{code}: {count} permissions")
