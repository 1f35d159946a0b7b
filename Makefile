# Every target sets itself up: a virtual environment in .venv with the project and its dev tools.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install run demo test lint unit bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install  ## the service on the embedded store with demo data
	$(BIN)/greenlist demo

demo: run

lint: install  ## ruff, mypy on the domain, and the import contracts (domain imports no framework)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint  ## every test: in-memory, SQLite and PostgreSQL (skipped locally if no server; required in CI)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

unit: install
	$(BIN)/python -m pytest -n 2 -m "not postgres"

bench: install  ## benchmarks on PostgreSQL, printed as ratios to a baseline of the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis *.egg-info
