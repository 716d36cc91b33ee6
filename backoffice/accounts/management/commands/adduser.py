from django.core.management.base import BaseCommand, CommandError

from backoffice.accounts.roles import ROLES
from backoffice.accounts.services import user_create
from backoffice.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Onboard a user with one role: adduser USERNAME --role ROLE [--region CODE] ..."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(ROLES)}")
        parser.add_argument(
            "--region", action="append", default=[], help="region code; repeat for several"
        )
        parser.add_argument("--password", default=None, help="without it the user cannot log in")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="full name shown in the UI")

    def handle(self, *args, **options) -> None:
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                region_codes=options["region"],
                password=options["password"],
                email=options["email"],
                full_name=options["name"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({options['role']})"))
