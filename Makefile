# One-command start and test. Needs Python 3.11 and make; everything else comes from PyPI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

.PHONY: run check test lint screenshots bench template clean chromium postgresql nginx

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)  ## start the dashboard on http://127.0.0.1:8501 (seeds the demo plans on first start); ARGS="--server.address ..." go to both lines
	$(BIN)/python -m scorecard preflight $(ARGS)
	$(BIN)/streamlit run app.py $(ARGS)

check: $(STAMP)  ## the fast tests, in under a minute: not the browser tests, not those marked slow
	$(BIN)/python -m pytest -q -m "not browser and not slow"

test: $(STAMP) chromium postgresql nginx  ## the whole test suite (browser tests included; the store tests on DuckDB and on a throwaway PostgreSQL)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff, as configured in pyproject.toml
	$(BIN)/ruff check .

# The screenshots the README shows, refreshed from the browser tests' own (tests/artifacts/screenshots/).
SHOWN := $(sort $(shell grep -o 'docs/screenshots/[a-z_-]*\.png' README.md))
screenshots: $(STAMP) chromium  ## take the screenshots again (tests/test_browser.py) and copy the README's into docs/screenshots/
	$(BIN)/python -m pytest -q tests/test_browser.py
	cp $(SHOWN:docs/screenshots/%=tests/artifacts/screenshots/%) docs/screenshots/

chromium:  ## Debian's Chromium (and an emoji font for the icons) for the browser tests and the PDF board pack, and poppler-utils (pdftoppm, pdftotext) to check the PDF, installed when missing
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji; } || \
	  echo "Chromium could not be installed: the browser tests will be skipped"
	@command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils; } || \
	  echo "poppler-utils could not be installed: the test of the PDF pack's pages will be skipped"

# The tests start their own throwaway PostgreSQL (tests/postgres.py: initdb into a temporary directory as the
# postgres user, pg_ctl on a free loopback port, removed afterwards); only the server needs installing.
postgresql:  ## Debian's PostgreSQL server for the throwaway test database, installed when missing
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; } || \
	  echo "PostgreSQL could not be installed: the PostgreSQL tests will be skipped"

nginx:  ## Debian's nginx, for the test of deploy/ (two replicas behind it), installed when missing
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; } || \
	  echo "nginx could not be installed: the replicas test will be skipped"

bench: $(STAMP) postgresql  ## benchmarks, medians against baselines measured in the same run
	$(BIN)/python -m benchmarks

template: $(STAMP)  ## write a blank scorecard workbook
	$(BIN)/python -m scorecard template scorecard-template.xlsx

clean:
	rm -rf $(VENV) .pytest_cache data/scorecard.duckdb data/scorecard.duckdb.wal
