# The two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
# The app reads PORT too: in development, links on certificates and in emails follow it.
export PORT

.PHONY: install run test test-fast test-shuffled html-checker lint audit media messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The web server and a job worker (the mail outbox's), as one command: scripts/serve.py.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(BIN)/python scripts/serve.py --port $(PORT)

# One test process per core (pytest-xdist; WORKERS=0 runs them in this one process).
WORKERS ?= auto

# The Nu Html Checker (the vnu-jar npm package, run under Java) for tests/test_html_validity.py:
# installed into .tools/ when npm can; without it (or Java) that one test skips (CI requires it).
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar

html-checker:
	@test -f $(VNU_JAR) || npm install --prefix .tools --no-audit --no-fund --no-save --silent \
		vnu-jar@$(VNU_VERSION) || echo "The Nu Html Checker is not installed: its test will skip."

test: install html-checker
	$(BIN)/pytest -n $(WORKERS) --dist load --maxschedchunk 1

# The inner loop: everything but the browser and the slow tests (make test runs them all).
test-fast: install
	$(BIN)/pytest -n $(WORKERS) --dist worksteal -m "not browser and not slow"

# The whole suite in a random order (pytest-randomly): no test may lean on another's leftovers.
test-shuffled: install
	$(BIN)/pytest -n $(WORKERS) --dist worksteal -p randomly

lint: install
	$(BIN)/ruff check learning tests scripts wsgi.py
	$(BIN)/bandit --quiet --recursive learning --severity-level high

# Known vulnerabilities in what is installed, from PyPI's advisories (needs pypi.org).
audit: install
	$(BIN)/python scripts/audit.py

media:
	$(PYTHON) scripts/make_media.py modules

clean:
	rm -rf $(VENV) .pytest_cache .tools

# Extract every user-facing string for translators (Spanish, French and Dutch are wanted).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o messages.pot .
