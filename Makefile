# One command to install and run on the shipped corpus, one to run the tests.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run install test outputs check-outputs bench clean

run: install outputs            ## install, then extract corpus/ into outputs/

$(BIN)/govreport: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/govreport

outputs: install                ## regenerate the committed outputs of corpus/
	$(BIN)/govreport extract corpus -o outputs --force

test: install                   ## the whole test suite
	$(BIN)/python -m pytest

bench: install                  ## throughput benchmarks (not part of the tests)
	$(BIN)/python benchmarks/bench_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
