# Quick start: `make run` (the whole pipeline on the embedded sandbox) and `make test`.
# Each target sets up what it needs, idempotently: a uv tool venv in .tools/, the project venv in
# .venv/ from the committed uv.lock, and the dbt manifest.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: run test lint fix ui report bench manifest setup clean help

help:
	@echo "make run [START=2025-01-01 END=2025-03-31] - run the pipeline (default 2022-01-01..today) on the embedded sandbox and print headline indicators"
	@echo "make test   - run every test (what CI runs; EXTRA_GROUPS=spark adds the Spark parity test's dependencies)"
	@echo "make lint   - the house rules (CI runs it first): ruff, ruff format, the import contracts, sqlfluff on the dbt models"
	@echo "make fix    - rewrite what the linters can fix themselves (ruff --fix, ruff format, sqlfluff fix)"
	@echo "make ui     - open the Dagster UI on http://127.0.0.1:3000"
	@echo "make bench  - the warehouse at provincial scale (10 million dossiers) against the hand-written floor; writes bench/results.md (BENCH_DOSSIERS_PER_YEAR=200000 for a small one)"
	@echo "make report PERIOD=2025-Q4 [REPORT_LANG=vi|en] - render the periodic report of a quarter, half-year (2025-H2) or year (2025)"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Optional dependency groups of pyproject.toml to install besides the default ones, e.g.
# `make test EXTRA_GROUPS=spark` (pyspark and dbt-spark: the Spark parity test; CI always installs it).
# `uv sync` is exact: a later plain `make` removes them again (the stamp names the groups installed).
EXTRA_GROUPS ?=
SYNCED := $(VENV)/.synced$(if $(strip $(EXTRA_GROUPS)),-$(subst $(eval) ,-,$(strip $(EXTRA_GROUPS))))

# --compile-bytecode: the packages' .pyc files are written here, once, rather than by the first run
# that imports them (Dagster, dbt, GX: about 15 CPU-seconds of a fresh clone's first `make run`).
$(SYNCED): pyproject.toml uv.lock | $(UV)
	rm -f $(VENV)/.synced*
	$(UV) sync --frozen --quiet --compile-bytecode $(foreach group,$(EXTRA_GROUPS),--group $(group))
	@touch $@

setup: $(SYNCED)

# dagster-dbt loads the dbt assets from this manifest. dagster-dbt's project preparation (`dbt parse`, a
# full parse: about 15 s, with the runs' dbt profile and target so that their first dbt step starts from
# this parse: orchestration/dbt_parse.py) runs only when a file of the dbt project, or the environment (the
# venv), changed since the last one.
MANIFEST := dbt_project/target/manifest.json
DBT_PROJECT_FILES := $(shell find dbt_project \( -path dbt_project/target -o -path dbt_project/logs \) -prune -o \
	-type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)

$(MANIFEST): $(SYNCED) $(DBT_PROJECT_FILES)
	$(BIN)/python -m orchestration.dbt_parse

manifest: setup $(MANIFEST)
	@$(BIN)/python -c "from orchestration.instance_config import write_instance_config; write_instance_config('$(DAGSTER_HOME)')"

# A window of days: `make run START=2025-01-01 END=2025-03-31` (default: from the last landed day to today).
run: manifest
	$(BIN)/python -m orchestration run $(if $(START),--start $(START)) $(if $(END),--end $(END))

# Two workers by default (the CI machine has two cores); a test file stays on one worker, so its
# module fixtures (pipeline runs) are built once. TEST_WORKERS=0 runs everything in one process.
# The 25 slowest test phases are listed at the end: the suite's time budget is 20 minutes.
TEST_WORKERS ?= 2
test: manifest
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

# The house rules, offline: ruff (lint and format, pyproject.toml), the import contracts (import-linter,
# pyproject.toml: which package may import which) and sqlfluff on the dbt models and singular tests
# (dbt_project/.sqlfluff; the dbt templater renders each model as dbt would, so it needs a connection:
# an in-memory DuckDB, never the warehouse file). sqlfluff takes most of the time (about a minute on two
# cores); `make lint SQL=models/marts` lints part of the dbt project.
SQL ?= models tests
SQLFLUFF_ENV := PAR_WAREHOUSE_TARGET=duckdb PAR_WAREHOUSE_PATH=:memory:
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	cd dbt_project && $(SQLFLUFF_ENV) ../$(BIN)/sqlfluff lint $(SQL)

fix: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd dbt_project && $(SQLFLUFF_ENV) ../$(BIN)/sqlfluff fix $(SQL)

# The periodic report of any period from the existing warehouse (PERIOD: 2025-Q4, 2025-H2, 2025;
# default the latest quarter), in Vietnamese and English unless REPORT_LANG says one.
report: setup
	$(BIN)/python -m orchestration report $(if $(PERIOD),--period $(PERIOD)) $(if $(REPORT_LANG),--lang $(REPORT_LANG))

# Not part of `make test`: generates (once, cached in data/bench/cache/) a province of
# BENCH_DOSSIERS_PER_YEAR x BENCH_YEARS dossiers, then times the full rebuild, the floor
# (bench/floor.sql, checked to give the same numbers), the nightly run and API ingestion.
BENCH_DOSSIERS_PER_YEAR ?= 2000000
BENCH_YEARS ?= 5
BENCH_RESULTS ?= bench/results.md
bench: manifest
	$(BIN)/python -m bench run --dossiers-per-year $(BENCH_DOSSIERS_PER_YEAR) --years $(BENCH_YEARS) --results $(BENCH_RESULTS)

ui: manifest
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf data dbt_project/target dbt_project/logs
