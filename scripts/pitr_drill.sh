#!/usr/bin/env bash
# The restore drill of docs/deployment.md for base backups with WAL archiving (issue 19 §6):
# a throwaway primary archiving its WAL, migrated; a base backup; a row written before a
# moment T and one after; then the base backup restored on a second port up to T from the
# archive. The restored database must have the first row, not the second, and its migrations
# must be all applied (`manage.py migrate --check`). Runs as root (the servers run as the
# postgres user); `make test-pitr`, and CI.
#   PITR_PORTS  the primary's and the restored server's ports (default "55435 55436")
set -euo pipefail
cd "$(dirname "$0")/.."
read -r primary_port restored_port <<<"${PITR_PORTS:-55435 55436}"
# shellcheck source=scripts/throwaway_pg.sh
. scripts/throwaway_pg.sh
sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d backoffice -v ON_ERROR_STOP=1 -tAc "$2"; }

echo "== a primary on $primary_port, archiving its WAL"
as_postgres mkdir "$work/wal"
as_postgres "$pgbin/initdb" -D "$work/primary" -A trust -U postgres >/dev/null
start primary "$primary_port" -c fsync=off -c wal_level=replica -c archive_mode=on \
  -c "archive_command='test ! -f $work/wal/%f && cp %p $work/wal/%f'"
createdb -h 127.0.0.1 -p "$primary_port" -U postgres backoffice
export DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/backoffice"
export BACKOFFICE_VAR_DIR="$work/var"
.venv/bin/python manage.py migrate --verbosity 0

echo "== a base backup"
as_postgres "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
  -D "$work/base" -Ft -z -X fetch
region() {
  sql "$primary_port" "INSERT INTO accounts_region (code, name, is_active, created_at, updated_at)
    VALUES ('$1', '$1', true, now(), now())" >/dev/null
}
region pitr-before
sleep 1
target=$(sql "$primary_port" "SELECT now()")
sleep 1
region pitr-after
# the segment holding both rows closed, and archived before the primary stops
segment=$(sql "$primary_port" "SELECT pg_walfile_name(pg_switch_wal())")
archived=""
for _ in $(seq 150); do
  last=$(sql "$primary_port" "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")
  if [[ -n "$last" && ! "$last" < "$segment" ]]; then archived=yes; break; fi
  sleep 0.2
done
[ -n "$archived" ] || { echo "the WAL segment $segment was not archived" >&2; exit 1; }
as_postgres "$pgbin/pg_ctl" -D "$work/primary" -m fast stop >/dev/null

echo "== the base backup restored on $restored_port up to $target"
as_postgres mkdir -m 700 "$work/restored"
as_postgres tar -xzf "$work/base/base.tar.gz" -C "$work/restored"
as_postgres tee -a "$work/restored/postgresql.auto.conf" >/dev/null <<CONF
restore_command = 'cp $work/wal/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
as_postgres touch "$work/restored/recovery.signal"
start restored "$restored_port" -c archive_mode=off
for _ in $(seq 150); do
  [ "$(sql "$restored_port" "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.2
done
[ "$(sql "$restored_port" "SELECT pg_is_in_recovery()")" = f ] \
  || { echo "the restored server is still recovering" >&2; tail -20 "$work/restored.log"; exit 1; }
found=$(sql "$restored_port" "SELECT string_agg(code, ',' ORDER BY code) FROM accounts_region
  WHERE code LIKE 'pitr-%'")
[ "$found" = pitr-before ] \
  || { echo "restored up to $target, found: '$found' (want pitr-before only)" >&2; exit 1; }
DATABASE_URL="postgres://postgres@127.0.0.1:$restored_port/backoffice" \
  .venv/bin/python manage.py migrate --check --verbosity 0
echo "== restored to the moment: the row before it is there, the row after it is not"
