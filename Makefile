# The two commands: `make run` (start everything on a fresh machine) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
OMS := $(VENV)/bin/oms
PYTHON ?= python3
PIP_FLAGS ?= -q --disable-pip-version-check
export OMS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run install install-test test test-sqlite test-postgres lint bench catalogs docs clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install $(PIP_FLAGS) -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
	$(OMS) catalogs compile

install-test: $(VENV)/.installed-test
	$(OMS) catalogs compile

run: install
	$(OMS) migrate --noinput
	$(OMS) demo
	@echo "Open http://127.0.0.1:8000/ and sign in as: admin / $$(cat $(OMS_DATA_DIR)/demo_admin_password)"
	$(OMS) serve

# Whole suite on SQLite, then again on PostgreSQL when it is reachable (always in CI).
test: install-test
	bash scripts/test.sh

lint: install-test
	$(VENV)/bin/ruff check src bench conftest.py
	$(VENV)/bin/mypy src/oms

bench: install-test
	bash bench/run.sh

catalogs: install-test
	cd src/oms && for d in */; do if [ -d "$$d/locale" ]; then (cd $$d && ../../../$(OMS) makemessages -l zh_Hans -l zh_Hant --no-obsolete >/dev/null); fi; done

clean:
	rm -rf $(VENV) var test-artifacts
