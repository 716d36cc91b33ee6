# Sourced by the scripts that start throwaway PostgreSQL clusters on loopback (the replica
# tests, the restore drill): the newest installed server's programs, a scratch folder owned
# by postgres, and the clusters named in it stopped and the folder removed on exit.
# Runs as root (the servers run as the postgres user).
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
work=$(mktemp -d)
chown postgres "$work"
as_postgres() { runuser -u postgres -- "$@"; }
stop() { as_postgres "$pgbin/pg_ctl" -D "$work/$1" -m immediate stop >/dev/null 2>&1 || true; }
clusters=()
cleanup() {
  for cluster in "${clusters[@]}"; do stop "$cluster"; done
  rm -rf "$work"
}
trap cleanup EXIT
# start NAME PORT [server options…]: the cluster in $work/NAME on 127.0.0.1:PORT, once it answers
# (up to 5 minutes: CI runs it beside the other lane); when it does not, its log is shown
start() {
  local name=$1 port=$2
  shift 2
  clusters+=("$name")
  if ! as_postgres "$pgbin/pg_ctl" -D "$work/$name" -l "$work/$name.log" -w -t 300 -o \
    "-p $port -k $work -c listen_addresses=127.0.0.1 $*" start >/dev/null; then
    echo "== $name did not start; its log:" >&2
    cat "$work/$name.log" >&2 || true
    return 1
  fi
}
