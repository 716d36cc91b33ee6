from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.core.backup import BackupError, RestoreMismatch, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into an empty database and media folder, "
        "after checking every member against its manifest; then check the restored rows, "
        "triggers and files against it. Stop the app servers and workers first."
    )
    requires_system_checks = []  # the database may not exist yet: that is the point

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore over a database and media folder that are not empty",
        )
        parser.add_argument(
            "--check-only", action="store_true", help="verify the archive, restore nothing"
        )

    def handle(self, *args, **options) -> None:
        archive = Path(options["archive"])
        try:
            if options["check_only"]:
                manifest = backup_verify(archive=archive)
            else:
                manifest = backup_restore(
                    archive=archive, using=options["database"], force=options["force"]
                )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except RestoreMismatch as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        verb = "verified" if options["check_only"] else "restored and verified"
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive}: {verb}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['files'])} files, {len(manifest['triggers'])} triggers"
            )
        )
