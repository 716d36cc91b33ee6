import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.sales.history import FILES, history_import_run, sources_in
from backoffice.sales.models import HistoryImport


class Command(BaseCommand):
    help = (
        "Import history from a directory of CSV (UTF-8, header row) or .xlsx files: "
        + ", ".join(FILES)
        + ". All or nothing; the same files twice add nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        sources = sources_in(directory)
        if not sources:
            raise CommandError(f"no import files in {directory}: expected {', '.join(FILES)}")
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

        record = history_import_run(sources=sources, by=None, record=None, progress=progress)
        record.source = str(directory.resolve())
        record.save(update_fields=["source"])
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
