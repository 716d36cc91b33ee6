from django.core.management.base import BaseCommand

from backoffice.parties.tasks import qualifications_expiry_daily


class Command(BaseCommand):
    help = (
        "Run the daily jobs (qualification expiry warnings and expiry). Schedule it once a day "
        "(cron, systemd timer); --enqueue hands it to the task worker instead of running it here."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            result = qualifications_expiry_daily.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        counts = qualifications_expiry_daily.call()
        self.stdout.write(f"qualifications: {counts['warned']} warned, {counts['expired']} expired")
