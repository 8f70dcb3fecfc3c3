# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_REPORTS ?= 200000
PORT ?= 8501

.PHONY: run test check lint typecheck benchmark clean

run: $(VENV)/.app-installed
	$(BIN)/uadash init --demo-reports $(DEMO_REPORTS) --port $(PORT)
	$(BIN)/uadash serve --port $(PORT)

test: $(VENV)/.test-installed lint typecheck
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

benchmark: $(VENV)/.test-installed
	$(BIN)/python benchmarks/demo_actions.py --reports 1000000

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "uadash needs Python 3.11 or newer: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# constraints.txt pins every package to the versions the suite was run with.
$(VENV)/.app-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.app-installed

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
