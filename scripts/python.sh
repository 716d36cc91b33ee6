#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter, or fails loudly.
# Django 6.1 needs 3.12; on an older Python pip would quietly install Django 5.2 instead.
set -u
candidates=(python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for v in "$root"/versions/3.13* "$root"/versions/3.12*; do
    [ -x "$v/bin/python3" ] && candidates+=("$v/bin/python3")
  done
fi
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "error: Back Office needs Python >= 3.12 (Django 6.1); none found." >&2
echo "       Install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2
exit 1
