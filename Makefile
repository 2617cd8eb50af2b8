# twirevents: the README's commands. Everything runs inside .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLES := tests/fixtures/samples
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo install migrate ingest-samples run test test-browser test-postgres lint bench serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

ingest-samples: migrate
	$(PY) manage.py ingest_twir $(SAMPLES)

## Set everything up, load the sample newsletters and run the site on http://127.0.0.1:8000/
demo: ingest-samples
	$(PY) manage.py runserver $(HOST):$(PORT)

## The test suite (fast; no browser, no PostgreSQL needed)
test: install
	$(PY) -m pytest -m "not browser and not postgres"

## Browser tests in Debian's Chromium (apt-get install chromium)
test-browser: install
	$(PY) -m pytest -m browser

lint: install
	$(VENV)/bin/ruff check .

## Production server: gunicorn + whitenoise (needs SECRET_KEY, ALLOWED_HOSTS)
serve: install
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput
	DJANGO_ENV=production $(VENV)/bin/gunicorn twirevents.wsgi --bind $(HOST):$(PORT) --workers 3

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
