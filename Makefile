# The front door: `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-quick lint install test-deps system-deps translations clean bench-sync bench-web bench-scale screenshots

$(VENV)/.installed: requirements.txt setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt 2>&1 | grep -v 'is ignored' || true
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e . 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python -c 'import hub, flask, sqlalchemy'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d hub/translations 2>&1 | grep -v "^compiling" || true
	test -f hub/translations/nl/LC_MESSAGES/messages.mo

# `make demo PORT=5001` when 5000 is taken
PORT ?= 5000
demo: install
	$(BIN)/carehub demo --port $(PORT)

system-deps:
	bash scripts/install-system-deps.sh

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-test.txt 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python -c 'import pytest, aiosmtpd, playwright, schemathesis, recurring_ical_events'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test-deps: system-deps install $(VENV)/.test-installed node_modules/.installed

test: test-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The inner loop: SQLite only, no browser (a few minutes); needs what `make test` installs once.
test-quick: install $(VENV)/.test-installed lint
	$(BIN)/pytest -q -x -k 'not postgresql' --ignore=tests/browser $(PYTEST_ARGS)

# The pictures of the main pages (README, /informatie): the sweep over every page saves them as it goes.
screenshots: test-deps
	CAREHUB_SCREENSHOTS=hub/static/screens $(BIN)/pytest -q tests/browser/test_every_page.py

# pyflakes, isort and bugbear (pyproject.toml [tool.ruff])
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules instance

bench-sync: test-deps
	$(BIN)/pip install -q -r requirements-bench.txt
	$(BIN)/python bench/sync.py $(BENCH_ARGS)

# The cost table (CPU per page and per care-page panel, in-process), then the reading side under load beside a
# bare Flask hello world (wrk from Debian's packages).
bench-web: system-deps install $(VENV)/.test-installed
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
		|| sudo apt-get install -y -qq wrk
	$(BIN)/python bench/cost.py $(COST_ARGS)
	$(BIN)/python bench/web.py $(BENCH_ARGS)

# One and two app servers behind one address, one and two Celery workers, on PostgreSQL and Redis.
bench-scale: system-deps install $(VENV)/.test-installed
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
		|| sudo apt-get install -y -qq wrk
	$(BIN)/python bench/scale.py $(BENCH_ARGS)
