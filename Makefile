# OneWindow — every target installs what it needs first. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(CURDIR)/$(PY) $(CURDIR)/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup system-deps keys run test test-unit test-e2e lint bench messages assets catalog \
	migrate clean screenshot

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## Check (and as root on Debian, install) the Debian packages
	@bash scripts/system-deps.sh

$(VENV)/.installed: requirements/base.txt requirements/dev.txt requirements/interop.txt pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@# pyasice (tests: ASiC-E made by another tool) pins lxml<5 but works with lxml 6
	$(PY) -m pip install --quiet --no-deps -r requirements/interop.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/onewindow/static/dist/.built: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	npm run --silent build
	@touch $@

assets: system-deps node_modules/.installed src/onewindow/static/dist/.built ## Compile CSS, JS and fonts

src/onewindow/locale/%/LC_MESSAGES/django.mo: src/onewindow/locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	cd src/onewindow && $(MANAGE) compilemessages --ignore=.venv >/dev/null

migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input -v 0

catalog: migrate ## Load the service catalogue from catalog/*.yaml (idempotent)
	$(MANAGE) load_catalog

keys: catalog ## Generate the test PKIs (exchange: var/pki; ID cards: var/idpki) and demo cards (idempotent)
	$(MANAGE) exchange_keys
	PYTHONPATH=src $(PY) -m testpki init var/idpki
	PYTHONPATH=src $(PY) -m cardagent provision --pki var/idpki --into var/cards
	$(MANAGE) agency_seals

setup: system-deps $(VENV)/.installed assets src/onewindow/locale/ka/LC_MESSAGES/django.mo catalog keys ## Install and prepare everything

run: setup ## Serve the portal and the sandbox agencies with demo data on http://127.0.0.1:8000
	@HOST=$(HOST) PORT=$(PORT) $(PY) scripts/serve.py

test: setup ## Run every test (SQLite; PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set)
	$(MANAGE) makemigrations --check --dry-run -v 1 >/dev/null
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff and mypy
	$(VENV)/bin/ruff check src tests bench scripts conftest.py
	$(VENV)/bin/ruff format --check src tests bench scripts conftest.py
	$(VENV)/bin/mypy src

bench: setup ## Benchmarks: throughput and latency as ratios, search p99
	$(PY) bench/run.py

messages: $(VENV)/.installed ## Extract messages, compile them, and report missing Georgian translations
	cd src/onewindow && $(MANAGE) makemessages -l ka -l en --no-obsolete --ignore=static --ignore=tests
	cd src/onewindow && $(MANAGE) compilemessages
	$(PY) scripts/check_translations.py

screenshot: setup ## Screenshot of the home page into docs/screenshot-home.png
	$(PY) scripts/screenshot.py

clean: ## Remove the venv, node_modules, compiled assets and the local database
	rm -rf $(VENV) node_modules src/onewindow/static/dist var
