# twirevents: the README's commands. Everything runs inside .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLES := tests/fixtures/samples
SAMPLE_CALENDARS := $(wildcard calendar_app/data/sample_calendars/sample-*.ics)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo site-install install lock migrate ingest-samples sample-sources superuser test test-browser test-postgres test-pure test-stack lint bench serve stack stack-stop clean weekly-loop

# What the site needs (make demo, make serve); the test extras come with `make install`
# (test, lint, bench). Both install the pinned versions of the lock files, every download
# checked against its hash (`make lock` writes them from pyproject.toml), then the project
# itself without dependencies. pip shows its progress: a first install downloads a while.
$(VENV)/.site-installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install --require-hashes -r requirements.txt
	$(PY) -m pip install --no-deps -e .
	touch $@

$(VENV)/.installed: requirements-dev.txt $(VENV)/.site-installed
	$(PY) -m pip install --require-hashes -r requirements-dev.txt
	touch $@

site-install: $(VENV)/.site-installed

install: $(VENV)/.installed

## Refresh the lock files from pyproject.toml: requirements.txt (the site) and
## requirements-dev.txt (the site and the test extras, at the same versions). Versions
## already pinned stay unless pyproject.toml excludes them; UPGRADE=1 takes the newest.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: install
	$(LOCK) --output-file requirements.txt pyproject.toml
	$(LOCK) --extra test --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

migrate: site-install
	$(PY) manage.py migrate --noinput

ingest-samples: migrate
	$(PY) manage.py ingest_twir $(SAMPLES)

## Follow the bundled sample calendars (weekly and monthly series without an end, so there
## are always upcoming timed meetups); adding them again changes nothing
sample-sources: migrate
	for calendar in $(SAMPLE_CALENDARS); do \
		$(PY) manage.py add_source "$$calendar" --name "$$(basename "$$calendar" .ics)" || exit 1; \
	done

## Set everything up, load the sample newsletters and calendars, run the site on http://127.0.0.1:8000/
## (PORT=8123 and HOST=... move it; the absolute links of the API and feeds follow: SITE_URL
## defaults to the demo's own address unless set)
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: ingest-samples sample-sources
	$(PY) manage.py sync_sources
	$(PY) manage.py runserver $(HOST):$(PORT)

## The test suite (no browser). SQLite by default; on DATABASE_URL=postgres://... it also runs
## the @postgres tests (parallel ingest), which skip themselves on SQLite. It measures the
## statement coverage of calendar_app and fails below COVERAGE_FLOOR percent (the level
## measured on SQLite, less one point: raise it when coverage rises).
## PYTEST_JOBS=2 runs it on two processes (pytest-xdist): about a third shorter on this
## 2-core machine when shared (bench/RESULTS.md); serial by default until the whole suite,
## PostgreSQL's parallel-ingest tests included, is shown to pass that way.
COVERAGE_FLOOR ?= 95.5
PYTEST_JOBS ?=
test: install
	$(PY) -m pytest -m "not browser and not stack" $(if $(PYTEST_JOBS),-n $(PYTEST_JOBS)) \
		--cov --cov-fail-under=$(COVERAGE_FLOOR)

## The pure tests (readers of calendars, matching) without Django loaded at all: they prove
## those modules need no database
test-pure: install
	$(PY) -m pytest -p no:django -W "ignore::pytest.PytestConfigWarning" tests/ingest tests/calendars

## Only the tests that need PostgreSQL (DATABASE_URL=postgres://...); none collected is not an error
test-postgres: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "test-postgres: set DATABASE_URL=postgres://..." >&2; exit 2;; esac
	$(PY) -m pytest -m postgres; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "test-postgres: no @postgres tests collected"; exit 0; fi; exit $$rc

## Browser tests in Debian's Chromium (apt-get install chromium); none collected is not an error
test-browser: install
	$(PY) -m pytest -m browser; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "test-browser: no @browser tests collected"; exit 0; fi; exit $$rc

## The editors' weekly loop walked in Chromium: clicks, page loads and seconds
## (docs/weekly-loop.md; the seconds in test-artifacts/weekly-loop.json)
weekly-loop: install
	$(PY) -m pytest -m browser tests/browser/test_weekly_loop_walk.py -q -s

## An account for /admin/ (curators are staff users in the `curators` group)
superuser: migrate
	$(PY) manage.py createsuperuser

## ruff check, ruff format --check and mypy (django-stubs): the same as .pre-commit-config.yaml
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy calendar_app twirevents bench tests

## Production server: gunicorn + whitenoise. Needs SECRET_KEY and ALLOWED_HOSTS in the
## environment (and DATABASE_URL for PostgreSQL); refuses to start with DEBUG on.
## --timeout 120: a cold render of the whole feed over ~10,000 upcoming meetups takes ~20 s
## on one core, longer when every worker renders at once (bench/RESULTS.md).
WORKERS ?= 3
serve: site-install
	DJANGO_ENV=production $(PY) manage.py check --deploy --fail-level ERROR
	DJANGO_ENV=production $(PY) manage.py migrate --noinput
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput
	DJANGO_ENV=production $(VENV)/bin/gunicorn twirevents.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --timeout 120 \
		--max-requests 2000 --max-requests-jitter 200 --access-logfile -

## The production stack on loopback (deploy/): PostgreSQL, Redis, two gunicorn instances and
## nginx on http://127.0.0.1:8080/, all under .stack/ (needs apt's nginx, redis-server and
## postgresql). STACK_SYNTHETIC=N adds N synthetic meetups once (for load tests).
stack: install
	$(PY) deploy/stack.py start

## Stop what `make stack` started (by its pid files)
stack-stop:
	@if [ -x $(PY) ]; then $(PY) deploy/stack.py stop; else echo "stack-stop: no .venv"; fi

## Load and browser checks against a running `make stack` (tests/stack, marked @stack; they
## skip when the stack is not up)
test-stack: install
	$(PY) -m pytest -m stack -p no:randomly tests/stack; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "test-stack: no @stack tests collected"; exit 0; fi; exit $$rc

## All benchmarks (ingest, geocoding, pages, feeds, load) in one table; writes bench/RESULTS.md
bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
