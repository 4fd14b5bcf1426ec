# Zoneplan: `make run` serves a demo on SQLite; `make test` runs the whole suite.
# Needs only Python 3.11+ (and, for `make test`, Debian's apt to fetch chromium and CJK fonts).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PLAN_FILES := plans/data/territory-chengdu.yaml plans/data/plan-2020.yaml

.PHONY: run test lint browser-deps messages bench demo-data clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Zoneplan needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[test]"
	touch $@ $(VENV)/.run-deps

demo-data: $(VENV)/.run-deps
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_plan $(PLAN_FILES)
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py load_scheme assessment/data/scheme-2020.yaml

# The web server and one task worker (assessment runs and other long work); Ctrl-C stops both.
run: demo-data
	@echo "Zoneplan: http://$(HOST):$(PORT)/ with a task worker alongside; Ctrl-C stops both."
	@$(BIN)/python manage.py worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' INT TERM EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Page tests drive Debian's chromium; CJK fonts keep Chinese readable in screenshots.
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium and fonts-noto-cjk from Debian…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	else \
		echo "Page tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk"; exit 1; \
	fi

# The suite on every core (pytest-xdist), with the 15 slowest tests listed at the end.
PYTEST_WORKERS ?= auto
test: $(VENV)/.test-deps browser-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS)

# The hooks of .pre-commit-config.yaml on every file: ruff, ruff format, django-upgrade, the
# migrations check and mypy (services and selectors). `$(BIN)/pre-commit install` runs them on commit.
lint: $(VENV)/.test-deps
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

bench: $(VENV)/.test-deps
	$(BIN)/python benchmarks/run.py tree --database sqlite
	$(BIN)/python benchmarks/run.py tree --database postgres
	$(BIN)/python benchmarks/run.py import --database sqlite
	$(BIN)/python benchmarks/run.py import --database postgres --no-reference
	$(BIN)/python benchmarks/run.py progress --database sqlite
	$(BIN)/python benchmarks/run.py progress --database postgres
	$(BIN)/python benchmarks/run.py geo --database postgres
	$(BIN)/python benchmarks/reporters.py
	$(BIN)/python benchmarks/chains.py --database postgres
	$(BIN)/python benchmarks/conflicts.py --database postgres
	$(BIN)/python benchmarks/portal.py --database postgres
	$(BIN)/python benchmarks/portal_load.py
	$(BIN)/python benchmarks/reporters.py --think 0
	$(BIN)/python benchmarks/assessment.py
	$(BIN)/python benchmarks/tasks.py --database sqlite
	$(BIN)/python benchmarks/tasks.py --database postgres
	$(BIN)/python benchmarks/cockpit.py
	$(BIN)/python benchmarks/schedules.py
	$(BIN)/python benchmarks/api.py

# Translations: needs gettext. The compiled .mo files are committed so `make run` needs no gettext.
messages: $(VENV)/.test-deps
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
