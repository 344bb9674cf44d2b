# KickBack device analytics. Every target bootstraps what it needs on a fresh
# machine: the virtualenv and Python packages here, the Maven jars and the
# local services through `kickback stack up`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KB     := $(BIN)/kickback
PYTEST_ARGS ?=

.PHONY: help bootstrap browser run run-cluster test unit integration cluster-test stack-up stack-down stack-status lint bench clean

help:
	@echo "make run          the main job end to end on local defaults"
	@echo "make run-cluster  the main job on the cluster profile (HDFS, YARN, HBase on HDFS, Hive on YARN)"
	@echo "make test         every test: unit, the local stack's, then the cluster profile's"
	@echo "make unit         unit tests only (no JVM)"
	@echo "make stack-up     start HBase, its Thrift server, the Hive metastore and HiveServer2 on 127.0.0.1"
	@echo "make stack-down   stop them (data is kept under var/)"
	@echo "make lint         ruff"
	@echo "make bench        benchmarks into bench/results/"

bootstrap: $(STAMP)

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2,<26"
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# Headless Chromium (Debian's package) for the API docs page test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

stack-up: $(STAMP)
	$(KB) stack up

stack-down: $(STAMP)
	$(KB) stack down

stack-status: $(STAMP)
	$(KB) stack status

run: $(STAMP)
	$(KB) run

run-cluster: $(STAMP)
	KICKBACK_STACK_PROFILE=cluster $(KB) run

# The integration tests start the stack themselves (and stop it afterwards
# unless it was already running), so `make test` needs nothing else. Two
# sessions: unit tests and the local profile's stack, then the cluster
# profile's (HDFS, YARN, HBase on HDFS, Hive on YARN), one stack at a time.
test: $(STAMP) browser
	$(BIN)/pytest -m "not cluster" $(PYTEST_ARGS)
	KICKBACK_STACK_PROFILE=cluster $(BIN)/pytest -m cluster $(PYTEST_ARGS)

cluster-test: $(STAMP)
	KICKBACK_STACK_PROFILE=cluster $(BIN)/pytest -m cluster $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/pytest -m "not integration" $(PYTEST_ARGS)

integration: $(STAMP) browser
	$(BIN)/pytest -m "integration and not cluster" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
