# The two commands of the README: `make run` (demo) and `make test` (everything).
# Both create the virtual environment, fetch and start a local Neo4j, and migrate it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# The test database: its own instance (port 7688, its own data folder), never the demo data.
TEST_ENV := GRAPH_API_LOCAL_INSTANCE=test GRAPH_API_NEO4J_HEAP=2g GRAPH_API_NEO4J_PAGECACHE=1g

.PHONY: install web run test unit lint format db-stop bench bench-demo clean

# The explorer (web/): npm packages from the lock file, then type-checked and built by Vite
# into web/dist, which the API serves at `/`. Rebuilt when a source or the schema changes.
WEB_SOURCES := $(shell find web/src -type f -not -path 'web/src/gql/*' 2>/dev/null) \
	web/index.html web/graphiql.html web/docs.html web/vite.config.ts web/codegen.ts \
	web/tsconfig.json schema.graphql
WEB_MODULES := web/node_modules/.package-lock.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(WEB_MODULES): web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build

## web: the explorer, built into web/dist
web: web/dist/index.html

## run: the explorer and the API on http://127.0.0.1:8000/ over a local database with demo data
run: install web
	$(BIN)/graph-api db start
	$(BIN)/graph-api db migrate
	$(BIN)/graph-api seed --scale demo --if-empty
	@echo "Open the explorer: http://$${GRAPH_API_HOST:-127.0.0.1}:$${GRAPH_API_PORT:-8000}/"
	GRAPH_API_DEV_MODE=$${GRAPH_API_DEV_MODE:-true} $(BIN)/graph-api serve

## test: every test, against a throwaway local database
test: install web
	cd web && npx vitest run
	$(TEST_ENV) $(BIN)/graph-api db start
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

## unit: the tests that need no database (pure Python: formats, limits, the planner's Cypher)
unit: install
	$(BIN)/pytest -m "not neo4j" $(PYTEST_ARGS)

## bench: the benchmark (issue 6 matrix) on the national dataset in the `bench` instance
bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/graph-api bench $(BENCH_ARGS)

## bench-demo: the quick matrix on the demo dataset, in its own `bench-demo` instance (port 7692)
bench-demo: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/graph-api bench --instance bench-demo --scale demo --duration 3 --output demo-matrix $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

db-stop: install
	$(BIN)/graph-api db stop
	$(TEST_ENV) $(BIN)/graph-api db stop

clean: db-stop
	rm -rf .local/instances $(VENV)
