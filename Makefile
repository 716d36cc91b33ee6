# Back Office: `make run` serves the app with demo data; `make test` runs everything CI runs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PO := backoffice/locale/zh_Hans/LC_MESSAGES/django.po

.PHONY: run test test-clocks test-replicas test-pitr lint fmt schema demo worker bench bench-load bench-reports bench-partitions messages check-deploy clean serve fuzz

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/python.sh
	@python=$${PYTHON:-$$(scripts/python.sh)} || exit 1; \
	  "$$python" -c 'import sys; assert sys.version_info >= (3, 12), "Python >= 3.12 required"' || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

var:
	mkdir -p var

run: $(VENV)/.installed var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) daily_jobs
	$(MANAGE) collectstatic --noinput --verbosity 0
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) worker --queue-name '*' & \
	  echo "Serving on http://$(HOST):$(PORT)/"; \
	  $(MANAGE) runserver --noreload $(HOST):$(PORT)

worker: $(VENV)/.installed
	$(MANAGE) worker --queue-name '*'

demo: $(VENV)/.installed var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

# No caches: CI lints in two lanes at once (.ci/run), which must not write one cache together.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --no-cache --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --urlconf config.urls \
	  --file docs/openapi.yaml --validate --fail-on-warn

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --add-location file \
	  -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'bench/*'
	# A guessed ("fuzzy") translation is worse than none: empty it so the test flags it.
	msgattrib --clear-fuzzy --empty --clear-previous -o $(PO) $(PO)
	$(MANAGE) compilemessages -l zh_Hans -i .venv

test: $(VENV)/.installed var lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	$(VENV)/bin/pytest

# The suite again from instants where the company's day (Asia/Shanghai) and UTC's differ: just
# after local midnight, the last local day of a month, the last local day of a year.
# Left out from these runs: what the clock does not change and that takes half the suite's
# time (browser walks, races, the backup drill, the replica reads, the crawls of every page for
# bad parameters, scopes, deletion and write rules, query counts, the deployment check).
CLOCKS ?= 2026-11-29T16:05:00Z 2027-02-27T20:00:00Z 2026-12-30T19:00:00Z
CLOCK_TESTS ?= -m "not browser and not race and not backup and not replica" --ignore=tests/browser \
  --ignore=tests/platform/test_bad_parameters.py --ignore=tests/platform/test_model_scopes.py \
  --ignore=tests/platform/test_no_deletion.py --ignore=tests/platform/test_write_paths_refuse.py \
  --ignore=tests/platform/test_query_counts.py --ignore=tests/platform/test_deploy_check.py \
  --ignore=backoffice/accounts/tests/test_admin.py
test-clocks: $(VENV)/.installed var
	@for clock in $(CLOCKS); do echo "== suite from $$clock"; \
	  FROZEN_CLOCK=$$clock $(VENV)/bin/pytest $(CLOCK_TESTS) || exit 1; done

# The replica tests against a real PostgreSQL streaming replica on loopback (a throwaway
# primary and its replica, as root): scripts/replica_tests.sh. CI runs it.
test-replicas: $(VENV)/.installed
	scripts/replica_tests.sh

# The restore drill of docs/deployment.md: a base backup and archived WAL restored up to a
# moment on a throwaway cluster on loopback (scripts/pitr_drill.sh, as root). CI runs it.
test-pitr: $(VENV)/.installed
	scripts/pitr_drill.sh

# Schemathesis over the whole API (docs/openapi.yaml) against a live server with demo data, for
# FUZZ_SECONDS (default 150): fails on any server error. On PostgreSQL: DATABASE_URL=postgres://…
# (a database of its own: the run writes to it).
fuzz: $(VENV)/.installed
	scripts/fuzz.sh

# The README's production settings (its `export` line), with a fresh secret and a scratch
# database: tests/platform/test_deploy_check.py holds the two together.
check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=backoffice.example.com \
	  EMAIL_HOST=smtp.example.com BEHIND_PROXY=true TRUSTED_PROXIES=1 \
	  SITE_URL=https://backoffice.example.com \
	  $(MANAGE) check --deploy --fail-level WARNING

# The bench's own dependencies (DuckDB for a bound), kept out of `make test`'s.
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed var
	$(PY) -m bench
	$(MAKE) bench-load

# Issue 16's goals through HTTP on a fresh PostgreSQL database (BENCH_DATABASE_URL's server)
# with the 1M-line history imported, against a plain GROUP BY and DuckDB (bench/reports.py).
# Also the part "reports" of `make bench`. BENCH_STRICT=1: exit 1 when a goal is missed.
bench-reports: $(VENV)/.bench-installed var
	$(PY) -m bench.reports

# A 3-year report on six years of history, on the tables partitioned by year and on an
# unpartitioned copy (bench/partitions.py; PostgreSQL). Also the part "partitions" of `make bench`.
bench-partitions: $(VENV)/.bench-installed var
	$(PY) -m bench.partitions

# 20 users of mixed traffic against gunicorn (bench/load.py), against one user's run, then the
# same traffic on two servers with each user alternating between them (issue 19 §4).
bench-load: $(VENV)/.installed var
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) var/test*.sqlite3* .pytest_cache
