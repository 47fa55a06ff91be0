# Commands shared by humans and CI. `make run` and `make test` work on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run demo web test test-fast test-e2e-postgres chaos lint typecheck bench deps clean

# End-to-end suites that do not depend on the storage backend (test fixtures, the HTTP edge,
# client SDKs and tools, identity-provider protocols, the multi-node and database-failure
# tests that always use PostgreSQL): the PostgreSQL pass skips them, as it skips the AWS CLI
# tests.
E2E_BACKEND_INDEPENDENT := oidc_fixture identity_providers_google identity_providers_oauth \
	edge demo_browser enforcement_js_sdk sts_providers_amazon sts_providers_facebook \
	sts_providers_google sts_providers_saml multinode_writes multinode_shared_state \
	database_unreachable lost_connections chaos http_connection wheel readme
# End-to-end suites about SQLite itself (its file on a full disk): not run on PostgreSQL.
E2E_SQLITE_ONLY := disk_full

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

deps: $(STAMP)

## Start dynafed on the embedded SQLite default (data in ./.dynafed).
run: $(STAMP)
	@echo "dynafed, aws and python (with boto3) are in $(VENV)/bin; in another shell," \
		"'. $(VENV)/bin/activate' puts them on PATH. Ctrl-C stops the server."
	$(VENV)/bin/dynafed serve

## The GameScores demo in a browser: seed the demo and serve its page (built into the package).
demo: $(STAMP)
	$(VENV)/bin/dynafed serve --demo

## Rebuild the demo's page from web/ (npm + esbuild) into src/dynafed/web; commit the result.
web:
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build

## Install everything the tests need (Python packages, the test IdP's npm packages,
## a running PostgreSQL) and run the whole suite, the benchmark harness's own tests, then the
## end-to-end suites on PostgreSQL.
test: $(STAMP)
	$(MAKE) --no-print-directory lint
	bash scripts/ensure-test-services.sh
	@# Bytecode for every module once: each of the hundreds of servers and commands the
	@# tests start would otherwise compile them all again where PYTHONDONTWRITEBYTECODE is set.
	$(PY) -m compileall -q src
	$(PY) -m pytest -q -n 2 --dist loadfile --durations=20
	$(PY) -m pytest -q benchmarks/tests
	$(MAKE) --no-print-directory test-e2e-postgres

## The end-to-end suites again, each server on a PostgreSQL schema of its own.
test-e2e-postgres: $(STAMP)
	DYNAFED_TEST_STORAGE=postgres $(PY) -m pytest -q -n 2 --dist loadfile --durations=20 tests/e2e \
		$(E2E_BACKEND_INDEPENDENT:%=--ignore=tests/e2e/test_%.py) \
		$(E2E_SQLITE_ONLY:%=--ignore=tests/e2e/test_%.py) -k "not aws_cli"

## The pure tests only (tests/unit, tests/conformance): seconds, no services needed.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m unit -n 2

## The reliability trials (tests/chaos, docs/reliability.md), TRIALS of each (default 10):
## SIGKILL under writes (SQLite, PostgreSQL), connection kills, a frozen database, a full
## disk, slowloris; prints a table of trials and failures. Minutes; not part of `make test`
## (whose tests/e2e/test_chaos.py runs one short trial of each).
TRIALS ?= 10
chaos: $(STAMP)
	bash scripts/ensure-test-services.sh
	$(PY) -m tests.chaos.run --trials $(TRIALS)

## ruff, mypy (strict on src/) and the layering contracts of pyproject.toml (import-linter).
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
