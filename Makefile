# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
DBT       := $(VENV)/bin/dbt
STAMP     := $(VENV)/.installed
export ML_COST_LANDING   ?= $(CURDIR)/data/landing
export ML_COST_WAREHOUSE ?= $(CURDIR)/warehouse/ml_cost.duckdb
export DBT_PROFILES_DIR  ?= $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS = false
export ML_COST_TARGET        ?= duckdb
export ML_COST_EXPORT_CATALOG ?= $(CURDIR)/warehouse/export_catalog
export ML_COST_SPARK_DIR     ?= $(CURDIR)/warehouse/spark
export ML_COST_PUBLISH       ?= $(CURDIR)/warehouse/published
export SPARK_LOCAL_IP        ?= 127.0.0.1
export ML_COST_DASHBOARD     ?= $(CURDIR)/warehouse/dashboard
export ML_COST_TEST_SHARED   ?=

DASH_STAMP  := dashboards/node_modules/.installed
SPARK_VENV  ?= .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
ATHENA_VENV ?= .venv-athena
ATHENA_STAMP := $(ATHENA_VENV)/.installed
MLFLOW_VENV ?= .venv-mlflow
MLFLOW_STAMP := $(MLFLOW_VENV)/.installed
export ML_COST_MLFLOW_VENV ?= $(CURDIR)/$(MLFLOW_VENV)

.PHONY: help setup dashboard dashboard-setup chromium screenshots demo demo-data build build-duckdb build-spark spark-setup athena-setup mlflow-setup publish publish-duckdb publish-spark test test-python test-spark lint typecheck extract governance bench clean

help:
	@echo "make demo     demo landing folder + dbt build into $(ML_COST_WAREHOUSE) + summary + dashboards"
	@echo "make build    dbt build on \$$ML_COST_LANDING (ML_COST_TARGET=spark: on local Spark)"
	@echo "make publish  each mart as Parquet under \$$ML_COST_PUBLISH (default warehouse/published/)"
	@echo "make dashboard  static dashboards from the warehouse into \$$ML_COST_DASHBOARD (default warehouse/dashboard/)"
	@echo "make test-spark  the demo on Spark, reconciled with DuckDB (part of make test)"
	@echo "make test     ruff, sqlfluff, mypy, pytest (dbt builds on the demo and test fixtures)"
	@echo "make extract  land SageMaker metadata and CloudWatch metrics from AWS (and MLflow runs: EXTRACT_ARGS=--mlflow-tracking-uri ...)"
	@echo "make governance  write the tag-policy and SCP JSON to governance/out/"
	@echo "make bench    benchmark (1M and 10M FOCUS rows; BENCH_FULL=1 adds 50M)"

$(STAMP): requirements.txt extract/pyproject.toml exports/pyproject.toml demo/pyproject.toml tools/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e extract -e exports -e demo -e tools
	touch $(STAMP)

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

setup: $(STAMP) profiles.yml
	@mkdir -p "$(dir $(ML_COST_WAREHOUSE))" "$(dir $(ML_COST_WAREHOUSE))tmp"

# DEMO_ARGS: ml-cost-demo options, e.g. --export cur2 (the demo account as a CUR 2.0 export,
# docs/exports.md "CUR 2.0") in a landing folder of its own (ML_COST_LANDING=...).
demo-data: setup
	@if [ -d "$(ML_COST_LANDING)/focus" ] || [ -d "$(ML_COST_LANDING)/cur2" ]; then echo "demo landing folder exists: $(ML_COST_LANDING)"; \
	else $(VENV)/bin/ml-cost-demo --landing "$(ML_COST_LANDING)" $(DEMO_ARGS); fi

# dbt writes a working copy; the published file BI tools open is swapped in when the
# build succeeds (tools/ml_cost_tools/warehouse.py, docs/bi.md).
WAREHOUSE_BUILD := $(PY) -m ml_cost_tools.warehouse build --warehouse "$(ML_COST_WAREHOUSE)" --

demo: demo-data dashboard-setup
	$(WAREHOUSE_BUILD) $(DBT) build
	$(PY) -m ml_cost_tools.summary --warehouse "$(ML_COST_WAREHOUSE)"
	$(PY) -m ml_cost_tools.dashboard --warehouse "$(ML_COST_WAREHOUSE)" --out "$(ML_COST_DASHBOARD)" --pages dashboards/pages

build: build-$(ML_COST_TARGET)

build-duckdb: setup
	$(WAREHOUSE_BUILD) $(DBT) build $(DBT_ARGS)

# Spark (docs/engines.md): the export catalog (which files count, their columns) is made by
# the same Python as on DuckDB, then the landing folder is registered as tables, then dbt.
$(SPARK_STAMP): requirements-spark.txt exports/pyproject.toml
	test -x $(SPARK_VENV)/bin/python || python3 -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	$(SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e exports
	touch $(SPARK_STAMP)

spark-setup: $(SPARK_STAMP) profiles.yml
	@mkdir -p "$(ML_COST_SPARK_DIR)"

build-spark: spark-setup
	$(SPARK_VENV)/bin/ml-cost-export-catalog --landing "$(ML_COST_LANDING)" --out "$(ML_COST_EXPORT_CATALOG)" \
		--billing-export "$${ML_COST_BILLING_EXPORT:-auto}"
	$(SPARK_VENV)/bin/dbt run-operation register_sources
	$(SPARK_VENV)/bin/dbt build $(DBT_ARGS)

$(ATHENA_STAMP): requirements-athena.txt
	test -x $(ATHENA_VENV)/bin/python || python3 -m venv $(ATHENA_VENV)
	$(ATHENA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-athena.txt
	touch $(ATHENA_STAMP)

athena-setup: $(ATHENA_STAMP)

# The MLflow tracking server the tests start on 127.0.0.1 (docs/trackers.md): mlflow's own venv,
# since its dependencies are not dbt's. --no-compile: about 40 s instead of 85 s (bytecode is
# written on first import). The extractor needs none of it (it speaks MLflow's REST API).
$(MLFLOW_STAMP): requirements-mlflow.txt
	test -x $(MLFLOW_VENV)/bin/python || python3 -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install --quiet --no-compile --disable-pip-version-check -r requirements-mlflow.txt
	touch $(MLFLOW_STAMP)

mlflow-setup: $(MLFLOW_STAMP)

publish: publish-$(ML_COST_TARGET)

# Each publish writes a new version folder; $(ML_COST_PUBLISH) is a link swapped to it when
# it is complete (tools/ml_cost_tools/warehouse.py, docs/bi.md).
PUBLISH_SWAP := $(PY) -m ml_cost_tools.warehouse publish --out "$(ML_COST_PUBLISH)" --

publish-duckdb: setup
	$(PUBLISH_SWAP) env ML_COST_DUCKDB_ACCESS_MODE=read_only $(DBT) run-operation publish_marts

publish-spark: setup spark-setup
	$(PUBLISH_SWAP) $(SPARK_VENV)/bin/dbt run-operation publish_marts

# Dashboards (docs/bi.md): Vega-Lite from npm (dashboards/package-lock.json), pages built from
# the published warehouse by tools/ml_cost_tools/dashboard.py; a static site, no server.
$(DASH_STAMP): dashboards/package.json dashboards/package-lock.json
	cd dashboards && npm ci --no-audit --no-fund
	touch $(DASH_STAMP)

dashboard-setup: $(DASH_STAMP)

dashboard: setup dashboard-setup
	$(PY) -m ml_cost_tools.dashboard --warehouse "$(ML_COST_WAREHOUSE)" --out "$(ML_COST_DASHBOARD)" --pages dashboards/pages

# Debian's chromium for the browser test and the screenshots (root, as in CI; about 1 min once).
chromium:
	@command -v chromium >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
		|| { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

screenshots: dashboard chromium
	$(PY) -m ml_cost_tools.browser screenshots --site "$(ML_COST_DASHBOARD)" --out docs/img

extract: setup
	$(VENV)/bin/ml-cost-extract --landing "$(ML_COST_LANDING)" $(EXTRACT_ARGS)

governance: setup
	$(VENV)/bin/ml-cost-governance --out governance/out

lint: setup
	$(VENV)/bin/ruff check extract exports demo tools lint tests models $(wildcard bench)
	$(VENV)/bin/ruff format --check extract exports demo tools lint tests models $(wildcard bench)
	$(PY) lint/sqlfluff_stubs.py --check
	$(PY) lint/macro_docs.py --check
	$(VENV)/bin/sqlfluff lint --processes 2 models macros tests/dbt analyses

typecheck: setup
	$(VENV)/bin/mypy --config-file mypy.ini

# PYTHON_LANE / ENGINE_LANE: extra pytest arguments make test gives each lane (below);
# ML_COST_TEST_SHARED (exported to pytest): the folder of the demo build both lanes share.
test-python: setup mlflow-setup
	$(PY) -m ml_cost_tools.dbt_codegen --check .
	$(VENV)/bin/pytest -q tests/python $(PYTHON_LANE)

# The engine suite alone: Spark reconciliation, Athena compile check (docs/engines.md), the
# dashboards in Chromium and the BI tests (docs/bi.md); make test runs it beside the DuckDB suite.
test-spark: setup spark-setup athena-setup dashboard-setup chromium
	$(VENV)/bin/pytest -q tests/engines $(ENGINE_LANE)

# The DuckDB suite and the engine suite run side by side (2 cores), each printing its output
# when it ends. Both suites read one demo build, made by the first to need it in
# $(ML_COST_TEST_SHARED) (a folder per run; tests/python/conftest.py shared_demo).
# The CUR 2.0 tests, the restated-period test, the real FOCUS sample, the billing-only build and
# the identical-rows test run in the engine lane, so that the two lanes take about as long
# (measured: docs/performance.md "CI cost").
MOVED_TESTS := tests/python/test_cur2.py tests/python/test_incremental.py::test_restated_period_replaces_its_rows_and_leaves_older_periods \
	tests/python/test_dbt_foundation.py::test_real_focus_sample_builds_and_accounts_for_every_dollar \
	tests/python/test_dbt_foundation.py::test_billing_only_landing_builds_and_attributes_by_billing_tags \
	tests/python/test_dbt_foundation.py::test_identical_rows_of_a_day_keep_their_own_ids_and_the_first_keeps_its_id
# The four venvs, the dashboards' npm packages and Debian's chromium install side by side (pip,
# npm and apt wait on the network and unpack on one core each; the main venv takes longest, about
# 80 s), then lint and typecheck side by side; each phase prints its seconds.
test: profiles.yml
	@start=$$SECONDS; \
	$(MAKE) --no-print-directory -j6 --output-sync=target setup spark-setup athena-setup mlflow-setup dashboard-setup chromium \
		&& echo "make test: installs took $$((SECONDS - start)) s" && start=$$SECONDS \
		&& $(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck \
		&& echo "make test: lint and typecheck took $$((SECONDS - start)) s" && start=$$SECONDS || exit 1; \
	shared=$$(mktemp -d /tmp/ml-cost-test-shared.XXXXXX); \
	$(MAKE) --no-print-directory -j2 --output-sync=target test-python test-spark ML_COST_TEST_SHARED=$$shared \
		PYTHON_LANE="$(foreach t,$(MOVED_TESTS),--deselect $(t))" ENGINE_LANE="$(MOVED_TESTS)"; \
	status=$$?; rm -rf "$$shared"; echo "make test: the two test lanes took $$((SECONDS - start)) s"; exit $$status

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf target logs warehouse
