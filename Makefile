# Every target sets itself up: a virtual environment in .venv with the project and its dev tools.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo test lint unit bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install  ## the HTTP API on $(HOST):$(PORT) (127.0.0.1:8000; embedded SQLite), demo history if empty
	$(BIN)/greenlist serve --demo --host $(HOST) --port $(PORT)

demo: install  ## load the demo history if the store is empty and print a unit's history
	$(BIN)/greenlist demo

lint: install  ## ruff, mypy (strict: domain, scheduler, the projection engine), import contracts
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
