# KickBack device analytics. Every target bootstraps what it needs on a fresh
# machine: the virtualenv and Python packages here, the Maven jars and the
# local services through `kickback stack up`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KB     := $(BIN)/kickback
PYTEST_ARGS ?=

.PHONY: help bootstrap browser run test unit integration stack-up stack-down stack-status lint bench clean

help:
	@echo "make run          the main job end to end on local defaults"
	@echo "make test         every test, against the real local stack"
	@echo "make unit         unit tests only (no JVM)"
	@echo "make stack-up     start HBase, its Thrift server and HiveServer2 on 127.0.0.1"
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

# The integration tests start the stack themselves (and stop it afterwards
# unless it was already running), so `make test` needs nothing else.
test: $(STAMP) browser
	$(BIN)/pytest $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/pytest -m "not integration" $(PYTEST_ARGS)

integration: $(STAMP) browser
	$(BIN)/pytest -m integration $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
