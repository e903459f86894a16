# Two commands on a fresh machine with Python 3.11+:
#   make        set up .venv, validate the content, build the site, load the demo school, print its progress
#   make test   run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB := build/demo.sqlite

.PHONY: all test bench clean
all: $(STAMP)
	$(BIN)/sferum-onboard validate .
	$(BIN)/sferum-onboard build
	$(BIN)/sferum-onboard demo --db $(DEMO_DB)
	$(BIN)/sferum-onboard progress --db $(DEMO_DB)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build site
