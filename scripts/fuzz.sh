#!/usr/bin/env bash
# Schemathesis over the whole API (docs/openapi.yaml) against a live server with demo data,
# as the demo administrator (who may see and do everything): a time-boxed run that fails on
# any server error (5xx) and on any answer the schema does not describe (status code, content
# type, headers, body; a missing required header, an unsupported method or a missing token
# not refused). `make fuzz`; CI runs it on SQLite and on PostgreSQL
# (DATABASE_URL=postgres://…, a database of its own: the run writes). The findings left out
# (valid input refused, invalid input accepted) and why: docs/decisions/0009-api-fuzzing.md.
#   FUZZ_SECONDS  the time budget of the run (default 150)
#   FUZZ_PORT     the server's port (default 8765)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
seconds=${FUZZ_SECONDS:-150}
port=${FUZZ_PORT:-8765}
work=$(mktemp -d)
export BACKOFFICE_VAR_DIR="$work/var" DEBUG=false SECURE_SSL=false ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="fuzz-$($PY -c "import secrets; print(secrets.token_hex(24))")" LOG_LEVEL=WARNING
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo >/dev/null
$PY manage.py collectstatic --noinput --verbosity 0  # DEBUG=false serves the manifest
token=$($PY manage.py shell -v 0 -c "
from rest_framework.authtoken.models import Token
from backoffice.accounts.models import User
print(Token.objects.get_or_create(user=User.objects.get(username='admin'))[0].key)")

.venv/bin/gunicorn config.wsgi -b "127.0.0.1:$port" -w 2 --timeout 60 \
  --access-logfile /dev/null --error-logfile "$work/server.log" &
server=$!
$PY - "$port" <<'PYTHON'
import sys, time, urllib.error, urllib.request
for _ in range(150):  # up to 30 s for the server to answer
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/", timeout=2)
    except urllib.error.HTTPError:
        break  # it answers (404 or 401): ready
    except OSError:
        time.sleep(0.2)
    else:
        break
PYTHON

checks=not_a_server_error,status_code_conformance,content_type_conformance
checks+=,response_headers_conformance,response_schema_conformance,missing_required_header
checks+=,unsupported_method,allow_header_conformance,ignored_auth
status=0
# from the scratch folder: schemathesis keeps its cache (.schemathesis/) where it runs
root=$PWD
(cd "$work" && "$root/.venv/bin/st" run "$root/docs/openapi.yaml" --url "http://127.0.0.1:$port" \
  --header "Authorization: Token $token" \
  --checks "$checks" \
  --phases examples,coverage,fuzzing \
  --max-time "$seconds" --workers 2 --request-timeout 30 \
  --suppress-health-check all) || status=$?
if [ $status -ne 0 ]; then
  echo "== the server's log (tracebacks):"
  tail -n 200 "$work/server.log"
fi
exit $status
