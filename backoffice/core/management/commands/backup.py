from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backoffice.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup; PostgreSQL: pg_dump of one snapshot) "
        "and the uploaded files into one archive with a manifest of row counts and checksums. "
        "Safe while the application runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            help="the archive to write (.tar, or .tar.gz to compress); "
            "default var/backups/backoffice-<UTC time>.tar",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options) -> None:
        archive = options["archive"] or str(
            Path(settings.VAR_DIR) / "backups" / f"backoffice-{timezone.now():%Y%m%dT%H%M%S}Z.tar"
        )
        try:
            manifest = backup_create(destination=Path(archive), using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['files'])} files, {len(manifest['triggers'])} triggers"
            )
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"warning: {name} is named by a row but was not in the folder")
