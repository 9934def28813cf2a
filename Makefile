# Two entry points: `make up` deploys the stack, `make test` proves it without AWS.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STACK ?=
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest up preview local-up bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

up: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" pulumi up $(if $(STACK),--stack $(STACK),)

preview: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" pulumi preview $(if $(STACK),--stack $(STACK),)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
