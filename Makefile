# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test bench cluster-test install install-test translations config db demo clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The compiled catalog is rebuilt only when its .po changed, so two `make test` at once (CI runs the
# SQLite and PostgreSQL suites side by side) never write it at the same time.
MO := portal/translations/vi/LC_MESSAGES/messages.mo
$(MO): portal/translations/vi/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d portal/translations --statistics

translations: $(MO)

config: $(VENV)/.installed
	$(BIN)/python -m portal.bootstrap

db: config translations
	$(BIN)/flask db upgrade
	$(BIN)/flask divisions load
	$(BIN)/flask demo load

run: db
	$(BIN)/gunicorn -c portal/gunicorn_conf.py wsgi:app

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); } || echo "chromium is not installed; browser tests will fail"

test: $(VENV)/.installed-test translations chromium
	$(BIN)/ruff check portal tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# With DATABASE_URL also two instances behind nginx and PgBouncer (bench/cluster.py, as cluster-test).
bench: $(VENV)/.installed-test translations
	$(BIN)/python -m bench $(if $(DATABASE_URL),--cluster)

# nginx, PgBouncer and two gunicorn instances from deploy/ on this machine (tests/cluster); uses the
# shared PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379, database 7), stopping neither.
cluster-test: $(VENV)/.installed-test translations
	VAORA_CLUSTER=1 $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider -q -s tests/cluster

clean-venv:
	rm -rf $(VENV)
