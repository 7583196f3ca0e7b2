# `make run` sets up .venv and starts the program; `make test` sets it up and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs only what the program needs (engine + window); `make test`
# adds the test tool chain (pytest, mypy, ruff, NVML headers) on top.
RUN_STAMP := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp

.PHONY: run test lint typecheck pytest bench device-check wheels clean mutants

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

# The bundle's own tests (marker `bundle`) run in `make package-test`, against the one bundle it builds.
pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not device and not bundle"

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_sampler.py
	$(BIN)/python benchmarks/bench_history.py
	$(BIN)/python benchmarks/bench_record_cpu.py
	$(BIN)/python benchmarks/bench_stream_cpu.py
	$(BIN)/python benchmarks/bench_gui.py
	$(BIN)/python benchmarks/bench_stress_cpu.py
	$(BIN)/python benchmarks/bench_stress_disk.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_remote_host.py
	$(BIN)/python benchmarks/bench_fleet_gui.py
	$(BIN)/python benchmarks/bench_serve.py

# On a machine with a real NVIDIA GPU (see packaging/device_check.sh; works offline from .whl/).
device-check:
	bash packaging/device_check.sh

# Wheels for device-check on a machine without network (CPython 3.12, x86-64).
wheels:
	bash packaging/fetch_wheels.sh

# Mutation testing (mutmut 3) of the engine areas whose tests check hand-worked numbers: how many
# planted bugs the tests catch, per area. Each area runs in its own copy under build/mutants/, so
# the work tree stays clean; a mutant no test reaches counts as not killed. `make mutants AREAS=units`
# runs some areas only.
AREAS ?= host alerts history units simulated smi csv catalog
MUTATE_host := app/core/procfs.py app/core/sysfs.py app/core/sources/*.py
TESTS_host := tests/core/sources
MUTATE_alerts := app/core/sampling/alerts.py
TESTS_alerts := tests/core/sampling/test_alerts.py
MUTATE_history := app/core/sampling/history.py app/core/sampling/ring.py
TESTS_history := tests/core/sampling/test_history.py
MUTATE_units := app/core/units.py
TESTS_units := tests/core/test_units.py
MUTATE_simulated := app/core/gpu/thermal.py app/core/gpu/simulated.py
TESTS_simulated := tests/core/gpu/test_simulated.py
MUTATE_smi := app/core/gpu/smi_compare.py
TESTS_smi := tests/core/gpu/test_smi_compare.py
MUTATE_csv := app/core/sessions/csv_export.py
TESTS_csv := tests/core/sessions/test_csv_export.py tests/core/sessions/test_csv_values.py
MUTATE_catalog := app/core/metric_catalog.py app/core/gpu/clock_reasons.py
TESTS_catalog := tests/core/test_metric_catalog.py tests/core/gpu/test_clock_reasons.py tests/test_cli_metrics.py
# Prints killed / total per area and over all (a timeout is a mutant the tests caught too).
define MUTATION_SCORE
import json, sys
killed_all = total_all = 0
for area in sys.argv[1:]:
    stats = json.load(open(f"build/mutants/{area}/mutants/mutmut-cicd-stats.json"))
    seconds = open(f"build/mutants/{area}/seconds").read().strip()
    killed, total = stats["killed"] + stats["timeout"], stats["total"]
    killed_all, total_all = killed_all + killed, total_all + total
    left = f"survived {stats['survived']}, no test {stats['no_tests']}, {seconds} s"
    print(f"{area:10} killed {killed:4} / {total:4} = {100 * killed / max(1, total):5.1f} %  ({left})")
print(f"{'all':10} killed {killed_all:4} / {total_all:4} = {100 * killed_all / max(1, total_all):5.1f} %")
endef
export MUTATION_SCORE
define newline


endef
define mutate_area
rm -rf build/mutants/$(1) && mkdir -p build/mutants/$(1)
tar -c --exclude=./.venv --exclude=./build --exclude=./.git --exclude=__pycache__ --exclude='*.egg-info' . \
		| tar -x -C build/mutants/$(1)
printf '[mutmut]\nsource_paths = app/\nalso_copy = resources/\nonly_mutate =\n$(foreach f,$(MUTATE_$(1)),    $(f)\n)pytest_add_cli_args_test_selection =\n$(foreach t,$(TESTS_$(1)),    $(t)\n)pytest_add_cli_args = -p no:cacheprovider\n' \
		> build/mutants/$(1)/setup.cfg
cd build/mutants/$(1) && start=$$(date +%s) \
		&& { $(CURDIR)/$(BIN)/mutmut run > mutmut-run.log 2>&1 || { tail -25 mutmut-run.log; exit 1; }; } \
		&& echo $$(( $$(date +%s) - start )) > seconds && $(CURDIR)/$(BIN)/mutmut export-cicd-stats > /dev/null
endef

mutants: $(TEST_STAMP)
	$(foreach area,$(AREAS),$(call mutate_area,$(area))$(newline))
	@$(BIN)/python -c "$$MUTATION_SCORE" $(AREAS)
	@echo "survivors: cd build/mutants/AREA && ../../$(BIN)/mutmut results; ... mutmut show NAME"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts

# The one-folder bundle (PyInstaller) in dist/aiwm/, built in its own venv that holds only the
# program's runtime + gui packages and PyInstaller, so no test tool can get into the bundle.
# Prints the size by component (also build/bundle-size.json) and fails above 250 MB.
BUILD_VENV := .venv-build
BUILD_STAMP := $(BUILD_VENV)/.build-stamp
.PHONY: bundle package-test

$(BUILD_STAMP): requirements/build.txt requirements/runtime.txt requirements/gui.txt
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUILD_VENV)/bin/python -m pip install --quiet -r requirements/build.txt
	touch $(BUILD_STAMP)

# dist/aiwm/aiwm is rebuilt only when a source is newer, so `make deb` after `make bundle` builds once.
# The folders count too: a folder changes when a file in it is added, removed or renamed.
BUNDLE_SOURCES := $(shell find app resources requirements -not -path '*/__pycache__*') \
	packaging/aiwm.spec packaging/entry.py packaging/bundle_filter.py packaging/windows/version_info.py \
	packaging/linux/deb/depends
BUNDLE_SOURCES += packaging/licenses.py $(wildcard packaging/license_texts/*)
dist/aiwm/aiwm: $(BUILD_STAMP) $(BUNDLE_SOURCES)
	rm -rf dist/aiwm build/pyinstaller
	$(BUILD_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/aiwm.spec

bundle: dist/aiwm/aiwm
	$(BUILD_VENV)/bin/python packaging/bundle_size.py dist/aiwm --json build/bundle-size.json

# After `make test` in CI: the bundle, its tests (tests/packaging, marker `bundle`), the .deb
# installed and smoke-tested from /usr/bin/aiwm, then removed (packaging/package_test.sh).
package-test: bundle $(TEST_STAMP)
	bash packaging/package_test.sh

# Linux packages from the one-folder bundle dist/aiwm/ (`make bundle`); scripts in packaging/linux/.
# `make deb`: dist/aiwm_<version>_amd64.deb (AIWM_DEB_COMPRESSION=zstd for a fast CI build; xz by default);
# `make tarball`: dist/aiwm-<version>-linux-x86_64.tar.gz;
# `make appimage`: dist/aiwm-<version>-x86_64.AppImage, only where appimagetool is on PATH (checked
# first, so a missing tool is said before the bundle is built; exit 2).
.PHONY: deb tarball appimage
deb: bundle
	bash packaging/linux/build_deb.sh

tarball: bundle
	bash packaging/linux/build_tarball.sh

appimage:
	bash packaging/linux/appimage/build_appimage.sh --check-tool
	$(MAKE) bundle
	bash packaging/linux/appimage/build_appimage.sh
