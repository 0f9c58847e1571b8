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

.PHONY: help setup demo demo-data build test test-python lint typecheck extract governance bench clean

help:
	@echo "make demo     demo landing folder + dbt build into $(ML_COST_WAREHOUSE) + summary"
	@echo "make build    dbt build on \$$ML_COST_LANDING"
	@echo "make test     ruff, sqlfluff, mypy, pytest (dbt builds on the demo and test fixtures)"
	@echo "make extract  land SageMaker metadata and CloudWatch metrics from AWS"
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

demo-data: setup
	@if [ -d "$(ML_COST_LANDING)/focus" ]; then echo "demo landing folder exists: $(ML_COST_LANDING)"; \
	else $(VENV)/bin/ml-cost-demo --landing "$(ML_COST_LANDING)"; fi

demo: demo-data
	$(DBT) build
	$(PY) -m ml_cost_tools.summary --warehouse "$(ML_COST_WAREHOUSE)"

build: setup
	$(DBT) build

extract: setup
	$(VENV)/bin/ml-cost-extract --landing "$(ML_COST_LANDING)" $(EXTRACT_ARGS)

governance: setup
	$(VENV)/bin/ml-cost-governance --out governance/out

lint: setup
	$(VENV)/bin/ruff check extract exports demo tools lint tests models $(wildcard bench)
	$(VENV)/bin/ruff format --check extract exports demo tools lint tests models $(wildcard bench)
	$(PY) lint/sqlfluff_stubs.py --check
	$(VENV)/bin/sqlfluff lint models macros tests/dbt analyses

typecheck: setup
	$(VENV)/bin/mypy --config-file mypy.ini

test-python: setup
	$(PY) -m ml_cost_tools.dbt_codegen --check .
	$(VENV)/bin/pytest -q tests/python

test: setup lint typecheck test-python

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf target logs warehouse
