# Benteng — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test check lint format types messages bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

## run: install, migrate the embedded SQLite database, load reference and demo data, start
##      the web server on http://127.0.0.1:8000 and the background worker.
run: $(VENV)/.installed
	scripts/run-demo.sh

## test: the whole suite on SQLite, and on PostgreSQL and in Chromium when they are here.
test: $(VENV)/.installed
	scripts/test.sh

## check: format check, lint, architecture contract, types, then the tests.
check: lint types test

lint: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: $(VENV)/.installed
	DEBUG=1 $(BIN)/mypy benteng

## messages: refresh and compile the translation catalogues (needs Debian's gettext).
messages: $(VENV)/.installed
	cd benteng && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete
	cd benteng && DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -l en

bench: $(VENV)/.installed
	@cat bench/README.md

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
