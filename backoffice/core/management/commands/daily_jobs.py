from django.core.management.base import BaseCommand

from backoffice.core.jobs import daily_jobs_run, daily_jobs_task


class Command(BaseCommand):
    help = (
        "Run the daily jobs the apps registered (core/jobs.py), in order. Schedule it once a "
        "day (cron, systemd timer); --enqueue hands it to the task worker instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true")
        parser.add_argument(
            "--again",
            action="store_true",
            help="run them even if they already ran today (they may run twice without harm)",
        )

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            result = daily_jobs_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        done = daily_jobs_run(once=not options["again"])
        if done is None:
            self.stdout.write("the daily jobs already ran today (--again to run them again)")
            return
        for name, counts in done.items():
            summary = ", ".join(f"{value} {key}" for key, value in counts.items())
            self.stdout.write(f"{name}: {summary or 'nothing to do'}")
