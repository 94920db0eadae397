# 码上办: `make run` sets up and serves the demo; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 8000
DB     ?= var/mashangban.db
# System packages the tests need: Debian's Chromium and a font with Chinese glyphs for the browser tests, and
# PostgreSQL, whose postgresql-common brings pg_virtualenv (a throwaway cluster for the second pass).
SYSTEM_PACKAGES := chromium fonts-wqy-microhei postgresql

.PHONY: run test test-postgres bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# The QR codes point at this server unless MASHANGBAN_BASE_URL names the public address.
run: $(VENV)/.installed-run
	MASHANGBAN_BASE_URL="$${MASHANGBAN_BASE_URL:-http://$(HOST):$(PORT)}" \
	  $(BIN)/mashangban --db $(DB) serve --demo --host $(HOST) --port $(PORT)

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# The suite on PostgreSQL, in a cluster made for the run and removed after it (pg_virtualenv sets PG* for it; -t keeps
# its files in a temporary folder, so two runs on one machine do not meet; the tests make and drop a database per
# test). The cross-process tests run only on this pass.
PG_PASS = pg_virtualenv -t -o fsync=off -o max_connections=300 sh -c \
	'MASHANGBAN_TEST_POSTGRES="postgresql://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/postgres" \
	 $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)'

# The whole suite twice: on SQLite, then on PostgreSQL.
test: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
	$(PG_PASS)

test-postgres: $(VENV)/.installed-test system-deps
	$(PG_PASS)

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench system-deps
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
