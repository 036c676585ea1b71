# qcollab: `make run` builds the graph if needed and serves it; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install system-deps build run test lint bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

system-deps:
	bash .ci/system-deps.sh

build: install
	$(BIN)/qcollab build

run: build
	$(BIN)/qcollab link --format json > data/link-report.json
	@echo "Linked to Wikidata and DBpedia; the review report is data/link-report.json"
	$(BIN)/qcollab stats
	$(BIN)/qcollab serve

lint: install
	$(BIN)/ruff check kg api tests

test: install system-deps
	$(BIN)/ruff check kg api tests
	$(BIN)/pytest -q

# bench_store.py writes docs/benchmarks.md; bench_http.py then appends its HTTP section to it.
bench: install
	$(BIN)/python tests/benchmarks/bench_store.py
	$(BIN)/python tests/benchmarks/bench_http.py

clean:
	rm -rf data .pytest_cache
