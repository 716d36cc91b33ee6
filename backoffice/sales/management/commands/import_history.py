import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.core.imports import AlreadyImported, already_imported_check
from backoffice.sales.history import FILES, history_import_run, sources_in
from backoffice.sales.history.files import sources_digest
from backoffice.sales.models import HistoryImport


class Command(BaseCommand):
    help = (
        "Import history from a directory of CSV (UTF-8, header row) or .xlsx files: "
        + ", ".join(FILES)
        + ". All or nothing; the same files twice add nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--again",
            action="store_true",
            help="import files that were imported before (refused otherwise)",
        )

    def handle(self, *args, directory: Path, again: bool = False, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        sources = sources_in(directory)
        if not sources:
            raise CommandError(f"no import files in {directory}: expected {', '.join(FILES)}")
        sha256, size = sources_digest(sources)
        try:
            already_imported_check(HistoryImport, sha256=sha256, again=again)
        except AlreadyImported as exc:
            raise CommandError(f"{exc.message} (--again to import them again)") from exc
        record = HistoryImport.objects.create(
            files=sorted(path.name for path in sources.values()),
            sha256=sha256,
            size_bytes=size,
            source=str(directory.resolve()),
        )
        started = time.perf_counter()
        shown = {"label": ""}

        def progress(fraction: float, label: str) -> None:
            if sys.stdout.isatty():
                self.stdout.write(f"\r{fraction * 100:5.1f}%  {label:<20}", ending="")
                self.stdout.flush()
            elif label != shown["label"]:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"{fraction * 100:5.1f}%  {elapsed:6.1f} s  {label}")
            shown["label"] = label

        record = history_import_run(sources=sources, by=None, record=record, progress=progress)
        self.stdout.write("")
        elapsed = time.perf_counter() - started
        if record.status != HistoryImport.Status.SUCCEEDED:
            for problem in record.errors:
                self.stderr.write(
                    f"{problem['file']}:{problem['line']}: {problem['column']}: "
                    f"{problem['message']}"
                )
            raise CommandError(f"nothing imported: {len(record.errors)} problem(s)")
        for name, count in record.counts.items():
            self.stdout.write(f"{name}: {count:,}")
        lines = record.counts.get("order_lines", 0)
        rate = f" ({lines / elapsed:,.0f} order lines/s)" if lines else ""
        self.stdout.write(self.style.SUCCESS(f"imported in {elapsed:.1f} s{rate}"))
