#!/usr/bin/env python
"""Django's command-line utility for Back Office."""

import os
import sys

if sys.version_info < (3, 12):  # noqa: UP036 - the guard is for a wrong interpreter
    sys.exit(
        f"Back Office needs Python >= 3.12 (Django 6.1); this is {sys.version.split()[0]}. "
        "Use `make run` / `make test`, which create .venv with a suitable Python."
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
