# `make run` sets up .venv and starts the program; `make test` sets it up and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs only what the program needs (engine + window); `make test`
# adds the test tool chain (pytest, mypy, ruff, NVML headers) on top.
RUN_STAMP := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp

.PHONY: run test lint typecheck pytest bench device-check wheels clean

$(RUN_STAMP): pyproject.toml requirements/runtime.txt requirements/gui.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/runtime.txt -r requirements/gui.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP) requirements/dev.txt
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(TEST_STAMP)

run: $(RUN_STAMP)
	$(BIN)/aiwm $(ARGS)

test: lint typecheck pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check app tests benchmarks packaging
	$(BIN)/ruff format --check app tests benchmarks packaging

typecheck: $(TEST_STAMP)
	$(BIN)/mypy app

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not device"

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_sampler.py
	$(BIN)/python benchmarks/bench_history.py
	$(BIN)/python benchmarks/bench_record_cpu.py
	$(BIN)/python benchmarks/bench_gui.py

# On a machine with a real NVIDIA GPU (see packaging/device_check.sh; works offline from .whl/).
device-check:
	bash packaging/device_check.sh

# Wheels for device-check on a machine without network (CPython 3.12, x86-64).
wheels:
	bash packaging/fetch_wheels.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
