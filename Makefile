# rnnkit: `make demo` runs the main job, `make test` runs the whole suite.
# torch==2.13.0 is installed explicitly first so a CPU machine gets the CPU build
# (an unpinned torch would pull the multi-GB CUDA build).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The data root of every make target: the project's local dataset mirror (see README, "Data").
export RNNKIT_DATA ?= $(abspath ../shared/datasets)

.PHONY: install test demo lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	@echo "Installing into $(VENV): pip, then torch 2.13.0 (the CPU build), then rnnkit with its test, plot,"
	@echo "image, forecast and translate extras. The first time takes about 2 minutes (torch alone is ~200 MB); later runs skip it."
	@echo "[1/3] pip" && $(PY) -m pip install -q --upgrade pip
	@echo "[2/3] torch==2.13.0" && $(PY) -m pip install -q torch==2.13.0
	@echo "[3/3] rnnkit (-e .[test,plots,images,forecast,translate])" && $(PY) -m pip install -q -e ".[test,plots,images,forecast,translate]"
	@touch $(STAMP)
	@echo "Installed. To use rnnkit from this shell: source $(VENV)/bin/activate"

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
