# Every target creates .venv from pyproject.toml on first use (Python 3.10+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build bench update-examples diagrams lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("shutdown-vs-close needs Python 3.10+, $(PYTHON) is " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group test
	@touch $@

## serve: the site at http://127.0.0.1:8000, reloading on changes to docs/ and snippets/
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## test: lint, then every test (snippets, pages, drift, browser)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

## build: the static site into site/ (strict: any warning fails)
build: $(STAMP)
	$(BIN)/mkdocs build --strict

## bench: time the snippet suite against running each snippet once
bench: $(STAMP)
	$(BIN)/python tests/bench.py

## update-examples: rewrite #> lines from what the snippets print now (read the diff!)
update-examples: $(STAMP)
	$(BIN)/pytest --update-examples tests/test_snippets.py tests/test_pages.py -k "snippet or inline or two_processes"

## diagrams: draw the pages' mermaid blocks into SVG (needs Chromium)
diagrams: $(STAMP)
	$(BIN)/python hooks/diagrams.py $${CHROMIUM:-chromium}

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) site build
