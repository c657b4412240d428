# paybot: two commands on a fresh machine with python3 >= 3.11:
#   make run    installs what is missing, then serves http://127.0.0.1:8765 on embedded defaults
#   make test   installs what is missing, then runs the whole suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH when present, else a private copy installed with pip into .tools/.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3
HOST ?= 127.0.0.1
PORT ?= 8765

.PHONY: help install run test lint typecheck bench clean

help:
	@echo "make run       - install and start the local server at http://$(HOST):$(PORT) (make run PORT=8766 HOST=0.0.0.0)"
	@echo "make test      - install and run the whole test suite (Debian's Chromium for the browser tests too)"
	@echo "make lint      - ruff (check and format) and mypy"
	@echo "make typecheck - mypy only"
	@echo "make bench     - run the benchmarks and print their figures"
	@echo "make package   - build the Lambda zips into dist/lambda/ and check they import (docs/deploy.md)"
	@echo "make install   - install uv (into .tools/ when missing) and the locked dependencies into .venv/"
	@echo "make clean     - remove .venv, .tools, dist and the caches"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock packages/core/pyproject.toml packages/channels/pyproject.toml
	$(UV) sync --locked --all-packages --all-extras
	@touch $@

install: .venv/.synced

run: install
	.venv/bin/paybot serve --host $(HOST) --port $(PORT)

test: install
	scripts/ensure_chromium.sh
	.venv/bin/python -m pytest

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

typecheck: install
	.venv/bin/mypy

bench: install
	.venv/bin/python bench/run_all.py

# Deterministic Lambda zips for `pulumi up` (dist/lambda/web.zip, connect.zip and deps-layer.zip,
# the layer both functions share), then an import check of each under Python 3.12; docs/deploy.md.
.PHONY: package
package: install
	.venv/bin/python scripts/package_lambda.py --uv $(UV)

clean:
	rm -rf .venv .tools dist test-artifacts .pytest_cache .mypy_cache .ruff_cache
