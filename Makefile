# radRounds: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The scale-out setup: PostgreSQL and Redis (local services; override as needed).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/radrounds
SCALE_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run serve backup restore test test-scale mutate mutate-ci lint format migrate demo clean help bench

help:
	@echo "make run    - install, migrate, load demo posts, serve http://$(HOST):$(PORT)/ with a worker"
	@echo "make serve  - the production configuration: gunicorn + WhiteNoise, DEBUG off, a worker"
	@echo "make backup - copy the SQLite database (online) and media to backups/<timestamp>/"
	@echo "make restore FROM=backups/<timestamp> - put a backup back (stop the site first)"
	@echo "make test   - install dev requirements and run the whole test suite"
	@echo "make test-scale - the suite (without browsers) on PostgreSQL + Redis"
	@echo "make mutate - mutation testing of the modules that carry a promise (README: Mutation testing)"
	@echo "make mutate-ci - its fast subset (sanitiser, view counter); fails under 90% killed"
	@echo "make lint   - ruff (format check + lint) and the missing-migrations check"
	@echo "make bench  - load-test the production configuration (needs wrk); see bench/README.md"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("radRounds needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py create_local_admin --site-url http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

# The web server and the background worker (emails, imports, ...) together; Ctrl-C
# stops both. The worker is a background job of this shell, so it ignores the
# terminal's SIGINT and is stopped by the EXIT trap instead (SIGTERM: it finishes
# the task in hand first).
# What `make run` prints is what runserver binds; 0.0.0.0 means every interface.
SERVE_NOTE := $(if $(filter 0.0.0.0 ::,$(HOST)),(all interfaces; on this machine http://127.0.0.1:$(PORT)/),)

run: demo
	@echo "radRounds: http://$(HOST):$(PORT)/ $(SERVE_NOTE)"
	@echo "(web server + background worker; Ctrl-C stops both; set HOST= and PORT= to change)"
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production mode on this machine: variables from .env (if present) and the environment,
# a secret key kept in .secret-key (created once), the deploy steps (migrate,
# collectstatic), then gunicorn and the worker together; Ctrl-C stops both.
serve: $(VENV)/.installed
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	export RADROUNDS_MODE=production; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  [ -s .secret-key ] || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key); \
	  export SECRET_KEY="$$(cat .secret-key)"; \
	fi; \
	export ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export HOST="$${HOST:-$(HOST)}" PORT="$${PORT:-$(PORT)}"; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
	echo "radRounds (production mode): http://$$HOST:$$PORT/ (gunicorn + worker; Ctrl-C stops both)" && \
	{ $(BIN)/python manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(BIN)/gunicorn -c radrounds/gunicorn.conf.py radrounds.wsgi; }

backup: $(VENV)/.installed
	$(BIN)/python manage.py backup

restore: $(VENV)/.installed
	@test -n "$(FROM)" || (echo "usage: make restore FROM=backups/<timestamp>" >&2; exit 2)
	$(BIN)/python manage.py restore "$(FROM)"

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

test-scale: $(VENV)/.installed-dev
	DATABASE_URL=$(SCALE_DATABASE_URL) REDIS_URL=$(SCALE_REDIS_URL) \
		$(BIN)/python -m pytest --ignore=tests/e2e -p no:cacheprovider

# Mutation testing (tests/mutation/): mutmut's mutants of each target, judged by the
# tests that cover it; one mutant per core, at most two (MUTATE_ARGS="--jobs 1" on a
# busy machine, MUTATE_ARGS="view-buffer" for one target).
mutate: $(VENV)/.installed-dev
	$(BIN)/python -m tests.mutation.run $(MUTATE_ARGS)

mutate-ci: $(VENV)/.installed-dev
	$(BIN)/python -m tests.mutation.run --ci $(MUTATE_ARGS)

# Load test: builds bench/.data/bench.sqlite3 once (or uses DATABASE_URL/REDIS_URL),
# serves it with gunicorn (2 workers, production settings) on a free port, drives it
# with wrk and writes bench/results/<date>-<db>.json and .png. BENCH_ARGS="--duration 30".
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)" >&2; exit 2; }
	$(BIN)/python -m bench.load $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
