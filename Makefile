# rnnkit: `make demo` runs the main job, `make test` runs the whole suite.
# torch==2.13.0 is installed explicitly first so a CPU machine gets the CPU build
# (an unpinned torch would pull the multi-GB CUDA build).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export RNNKIT_DATA ?= $(abspath ../shared/datasets)

.PHONY: install test demo lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m ruff check src tests bench examples
	$(PY) -m mypy
	$(PY) -m pytest

demo: $(STAMP)
	$(VENV)/bin/rnnkit demo

lint: $(STAMP)
	$(PY) -m ruff format --check src tests bench examples
	$(PY) -m ruff check src tests bench examples

bench: $(STAMP)
	$(PY) bench/layers.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
