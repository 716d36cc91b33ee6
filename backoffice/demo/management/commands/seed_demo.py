from django.core.management.base import BaseCommand
from django.utils import translation

from backoffice.accounts.roles import role_label
from backoffice.demo.services import demo_seed


class Command(BaseCommand):
    help = "Load the demo company (idempotent) and print one login per role."

    def handle(self, *args, **options) -> None:
        # The demo company is Chinese: texts frozen into its records are written in Chinese.
        with translation.override("zh-hans"):
            logins = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Logins (username / password):"))
        for username, password, role in logins:
            self.stdout.write(f"  {username:<15} {password:<10} {role:<17} {role_label(role)}")
