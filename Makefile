# The two commands of the README:
#   make run   - set up, create the SQLite database, load the demo organisation, print the pipeline,
#                then serve the web application on http://127.0.0.1:8000/ (demo users sign in with the
#                password leadline-demo) and the API on /api/v1, and print an API token
#   make test  - set up and run every check and test (PostgreSQL at LEADLINE_TEST_POSTGRES_URL)
#   make coverage - the same tests with line coverage measured and reported (slower: docs/adr/0043)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export LEADLINE_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export LEADLINE_ADMIN_EMAIL ?= admin@leadline.example
export LEADLINE_ADMIN_NAME ?= Ada Admin
# Python may keep compiled modules: the tests start the CLI and servers as real processes too
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup browser run test coverage lint unit bench clean

setup: $(STAMP) browser

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot be reached):
# installed when missing if we are root, else a warning (the browser tests then say what is missing).
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
		|| echo "warning: /usr/bin/chromium is missing; run 'apt-get install chromium' as root for the browser tests" >&2

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the demo first: on a new database it seeds the configuration and the first admin
# ($LEADLINE_ADMIN_EMAIL, else admin@leadline.example) without asking, so `make run` runs without a
# terminal too; init then upgrades and reports, keeping the admin there is
run: setup
	$(BIN)/leadline demo --if-empty
	$(BIN)/leadline init
	$(BIN)/leadline pipeline
	@echo "Web application: http://$${LEADLINE_HOST:-127.0.0.1}:$${LEADLINE_PORT:-8000}/ - sign in to the demo as victoria@leadline.example (head of sales)"
	@echo "  or sam@leadline.example (rep), password: leadline-demo"
	$(BIN)/leadline serve --login-token

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Coverage is measured by `make coverage`, not by `make test`: on Python 3.11 its tracer nearly
# doubles the CPU time of the in-process tests (docs/adr/0043).
test: lint
	$(BIN)/pytest -n 2 --dist worksteal

coverage: setup
	$(BIN)/pytest -n 2 --dist worksteal --cov=leadline --cov-report=term:skip-covered

unit: setup
	$(BIN)/pytest tests/unit -q

bench: setup
	$(BIN)/python bench/bench_insert_leads.py --rows 100000 --runs 3 --postgres "$(LEADLINE_TEST_POSTGRES_URL)"
	$(BIN)/python bench/bench_api.py --leads 10000 --runs 3 --duration 10 --postgres "$(LEADLINE_TEST_POSTGRES_URL)"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
