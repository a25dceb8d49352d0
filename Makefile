# Two commands: `make run` serves the demo organisation, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BALIK := $(BIN)/balik
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate demo messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Plain HTTP on loopback: secure-only cookies would not reach the browser there.
run: export BALIK_HTTPS ?= 0
# Links in e-mails and invites (sent by the worker) point at the address this serves from.
run: export BALIK_SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BALIK) migrate --noinput
	$(BALIK) demo
	$(BALIK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BALIK) serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
	scripts/ensure-system-packages
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	BALIK_TESTING=1 SECRET_KEY=makemigrations-check $(BALIK) makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so `make run` does not.
messages: $(TEST_STAMP)
	cd src/balik && ../../$(BALIK) makemessages --locale id --no-obsolete --add-location file
	cd src/balik && ../../$(BALIK) compilemessages --locale id

clean:
	rm -rf $(VENV) staticfiles .balik_secret_key balik.sqlite3*
