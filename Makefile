# Two entry points: `make up` deploys the stack, `make test` proves it without AWS.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `local` deploys to the embedded ECR emulator; any other stack name deploys to AWS.
STACK ?= local
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest up preview up-local bench clean

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

ifeq ($(STACK),local)
up: up-local
else
up: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" pulumi stack select --create $(STACK)
	PATH="$(abspath $(BIN)):$$PATH" pulumi up --stack $(STACK)
endif

preview: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" pulumi preview --stack $(STACK)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info

# Deploy the `local` stack (Pulumi.local.yaml) to the ECR emulator: start
# `python -m emulator` on port 5000, wait until it prints its endpoint, select (or
# create) the stack and run `pulumi up`; the emulator is stopped however that ends.
# Logs in to a local Pulumi backend only when no login exists; the local stack holds
# no secrets, so PULUMI_CONFIG_PASSPHRASE defaults to empty. The emulator keeps its
# state in memory, so `--refresh` first drops what an earlier run left in the stack
# and the repositories are created again. The dynamic providers sign their calls
# with the environment's credentials, hence the dummy keys.
up-local: $(STAMP)
	@set -e; \
	export PATH="$(abspath $(BIN)):$$PATH"; \
	export PULUMI_CONFIG_PASSPHRASE="$${PULUMI_CONFIG_PASSPHRASE-}"; \
	export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1; \
	$(BIN)/python -m emulator --port 5000 > .emulator.log 2>&1 & \
	echo $$! > .emulator.pid; \
	trap 'kill $$(cat .emulator.pid) 2>/dev/null && wait $$(cat .emulator.pid) 2>/dev/null; rm -f .emulator.pid' EXIT INT TERM; \
	for attempt in $$(seq 100); do \
		grep -q '^http://' .emulator.log && break; \
		kill -0 $$(cat .emulator.pid) 2>/dev/null || { cat .emulator.log; exit 1; }; \
		sleep 0.1; \
	done; \
	grep -q '^http://' .emulator.log || { echo "emulator did not start"; exit 1; }; \
	pulumi whoami >/dev/null 2>&1 || pulumi login --local; \
	pulumi stack select --create local; \
	pulumi up --stack local --yes --refresh
