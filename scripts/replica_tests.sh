#!/usr/bin/env bash
# The replica tests (marker `replica`, backoffice/core/tests/test_replicas.py) against a real
# PostgreSQL streaming replica on loopback (issue 19 §2): a throwaway primary, a replica made
# from it with `pg_basebackup -R`, the router on (DATABASE_REPLICA_URLS); then the replica
# stopped, and the fallback test again (REPLICA_STOPPED=1). Runs as root (the servers run as
# the postgres user); `make test-replicas`, and CI.
#   REPLICA_PORTS  the primary's and the replica's ports (default "55433 55434")
set -euo pipefail
cd "$(dirname "$0")/.."
read -r primary_port replica_port <<<"${REPLICA_PORTS:-55433 55434}"
# shellcheck source=scripts/throwaway_pg.sh
. scripts/throwaway_pg.sh

echo "== a primary on $primary_port"
as_postgres "$pgbin/initdb" -D "$work/primary" -A trust -U postgres >/dev/null
start primary "$primary_port" -c fsync=off -c wal_level=replica
echo "== its streaming replica on $replica_port (pg_basebackup -R)"
as_postgres "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
  -D "$work/replica" -R -X stream
start replica "$replica_port" -c hot_standby=on
in_recovery=$(psql -h 127.0.0.1 -p "$replica_port" -U postgres -tAc "SELECT pg_is_in_recovery()")
[ "$in_recovery" = t ] || { echo "the replica is not a standby" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/backoffice"
export DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:$replica_port/backoffice"
export BACKOFFICE_VAR_DIR="$work/var"
echo "== the replica tests, the router on"
.venv/bin/pytest -m replica backoffice/core/tests/test_replicas.py
echo "== the replica stopped: reads fall back to the primary"
stop replica
REPLICA_STOPPED=1 .venv/bin/pytest -m replica backoffice/core/tests/test_replicas.py
