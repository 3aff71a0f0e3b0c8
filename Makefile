# Minga: `make run` serves the demo network, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard minga/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run test lint typecheck checks pytest pytest-postgres test-deps bench bench-full clean messages

install: $(STAMP) $(MO_FILES)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

# Compiled with polib, so installing needs no GNU gettext.
minga/locale/%/LC_MESSAGES/django.mo: minga/locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python scripts/compile_translations.py $<

run: install
	$(BIN)/minga migrate --noinput
	$(BIN)/minga demo --if-empty
	PORT=$(PORT) scripts/serve.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy minga scripts bench

checks: install
	$(BIN)/minga makemigrations --check --dry-run

# Chromium (browser test), gettext (translation completeness test) and PostgreSQL,
# from Debian's packages when the machine lacks them.
test-deps:
	scripts/ensure-test-deps.sh

# The "ci" hypothesis profile: derandomized, no example database, so a run repeats exactly.
pytest: install test-deps
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest

pytest-postgres: install test-deps
	HYPOTHESIS_PROFILE=ci scripts/with-postgres.sh $(BIN)/pytest

# The two suites run side by side (one core each; `with-postgres.sh` gives each run its own
# server and folder), each one's output printed whole when it ends.
test: lint typecheck checks
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-postgres

# One table of every benchmark (bench/table.py): `bench` the short forms, without the `bench`
# extra; `bench-full` the full sizes, the sortition reference and the load test.
bench: install
	$(BIN)/python bench/table.py

bench-full: install
	$(BIN)/python bench/table.py --full

clean:
	rm -rf $(VENV) var/pgtest-* $(MO_FILES)

# Refresh the catalogues after changing user-facing strings (needs GNU gettext).
messages: install
	cd minga && ../$(BIN)/minga makemessages -l es -l pt_BR --no-obsolete --ignore "tests/*" --ignore "*/tests/*"
