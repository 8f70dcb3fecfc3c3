# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_REPORTS ?= 200000
PORT ?= 8501

.PHONY: run test check lint typecheck benchmark fuzz clean

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

# The long fuzz run (docs/limits.md): 5,000 examples per format on SQLite, then 1,000 on
# PostgreSQL when UADASH_TEST_POSTGRES_URL is set. Niced: the machine may be shared.
fuzz: $(VENV)/.test-installed
	nice -n 10 $(BIN)/pytest tests/fuzz -q -p no:cacheprovider --hypothesis-profile=fuzz \
	  --hypothesis-show-statistics -k sqlite
	@if [ -n "$$UADASH_TEST_POSTGRES_URL" ]; then \
	  nice -n 10 $(BIN)/pytest tests/fuzz -q -p no:cacheprovider --hypothesis-profile=fuzz-postgres \
	    --hypothesis-show-statistics -k postgresql; \
	else echo "fuzz: UADASH_TEST_POSTGRES_URL is not set, so PostgreSQL was not fuzzed"; fi

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
