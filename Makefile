# Every target creates its virtual environment from pyproject.toml on first
# use (Python 3.10+), with the exact versions and hashes in constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
XDIST := -n auto --dist loadgroup
# The contract suite's workers: core.contracts.WORKERS (tests/project/test_make.py)
CONTRACT_WORKERS := 4
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve build test zensical programs contracts contract-soak linux-only update-examples bench wire-soak lighthouse diagrams constraints lint clean

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

$(VENV)/.test: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("shutdown-vs-close needs Python 3.10+, $(PYTHON) is " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=25.1"
	$(PIP) install --group test -c constraints.txt
	$(PIP) install --no-deps --editable .
	@touch $@

$(VENV)/.programs: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("shutdown-vs-close needs Python 3.10+, $(PYTHON) is " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=25.1"
	$(PIP) install --group programs -c constraints.txt
	$(PIP) install --no-deps --editable .
	@touch $@

# Runs every program once, so that each page's "Verified on" line is true; a
# program that fails is named on its page instead, and the site still builds.
verify: $(VENV)/.test
	@$(BIN)/pytest tests/programs/test_programs.py $(XDIST) -q \
	  || echo "*** some programs failed: their pages say 'Not verified' ***"

## serve: run the programs, then serve the site at http://127.0.0.1:8000 (reloads on edits)
serve: verify
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## build: run the programs, then build the static site into site/ (strict)
build: verify
	$(BIN)/mkdocs build --strict

## test: lint, then every test (programs, pages, drift, browser) across the cores
test: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/pytest $(XDIST)

## zensical: build the site with Zensical (ZENSICAL_PYTHON, 3.11+) into site-zensical/ and check it
ZENSICAL_PYTHON ?= $(PYTHON)
ZENSICAL_VENV ?= .venv-zensical
$(ZENSICAL_VENV)/.zensical: pyproject.toml constraints.txt
	@$(ZENSICAL_PYTHON) -c 'import sys; sys.exit("Zensical needs Python 3.11+, $(ZENSICAL_PYTHON) is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(ZENSICAL_PYTHON) -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/python -m pip --quiet --disable-pip-version-check install --upgrade "pip>=25.1"
	$(ZENSICAL_VENV)/bin/python -m pip --quiet --disable-pip-version-check install --group zensical -c constraints.txt
	$(ZENSICAL_VENV)/bin/python -m pip --quiet --disable-pip-version-check install --no-deps --editable .
	@touch $@

zensical: $(VENV)/.test $(ZENSICAL_VENV)/.zensical
	rm -rf site-zensical
	SITE_DIR=site-zensical $(ZENSICAL_VENV)/bin/zensical build --clean --strict
	$(BIN)/python scripts/after_build.py site-zensical
	$(BIN)/pytest tests/site $(XDIST) -q -rxX --site-dir site-zensical --builder zensical

## programs: only the programs, on PYTHON (e.g. make programs PYTHON=python3.13 VENV=.venv-3.13)
programs: $(VENV)/.programs
	$(BIN)/pytest tests/programs/test_programs.py $(XDIST) -q

## contracts: the helpers' contract suite, on PYTHON (e.g. make contracts PYTHON=python3.13 VENV=.venv-3.13)
contracts: $(VENV)/.programs
	$(BIN)/pytest tests/contracts -n $(CONTRACT_WORKERS) -q

## contract-soak: the contract suite RUNS times (default 50) with both cores busy; reports every flake
contract-soak: $(VENV)/.test
	$(BIN)/python scripts/contract_soak.py $${RUNS:-50}

## linux-only: list the programs whose output holds on Linux only, with the reason each gives
linux-only:
	@grep -rl --include='*.py' '^"""Linux only: ' snippets | sort | while read -r f; do \
	  printf '%s: %s\n' "$${f#snippets/}" "$$(head -n 1 "$$f" | sed 's/^"""Linux only: //; s/"""$$//')"; \
	done

## update-examples: rewrite #> lines from what the programs print now (read the diff!)
update-examples: $(VENV)/.test
	$(BIN)/pytest tests/programs/test_programs.py $(XDIST) -q --update-examples

## bench: time the programs, the full suite and the strict build against targets
bench: $(VENV)/.test
	$(BIN)/python scripts/bench.py

## wire-soak: capture each wire scenario 200 times (RUNS=n); expect one sequence each (root)
wire-soak: $(VENV)/.test
	$(BIN)/python scripts/wire_soak.py $${RUNS:-200}

## lighthouse: Lighthouse's mobile run on every page, median of 3 (PAGE=filter RUNS=n)
lighthouse: $(VENV)/.test
	$(BIN)/python scripts/lighthouse.py $(PAGE) --runs $${RUNS:-3}

## diagrams: draw the pages' mermaid blocks into SVG (needs Chromium)
diagrams: $(VENV)/.test
	$(BIN)/python scripts/diagrams.py $${CHROMIUM:-chromium}

## constraints: re-resolve constraints.txt (newest allowed versions, with hashes)
constraints: $(VENV)/.test
	$(PIP) install "uv>=0.5"
	$(BIN)/uv pip compile --group pyproject.toml:test --group pyproject.toml:zensical \
	  --universal --generate-hashes \
	  --python-version 3.10 --no-header --quiet -o constraints.new
	{ sed -n '1,/^$$/p' constraints.txt | grep '^#'; cat constraints.new; } > constraints.txt
	rm constraints.new

lint: $(VENV)/.test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .venv-* site site-zensical .cache build
