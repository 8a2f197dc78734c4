# Every target builds .venv from pyproject.toml when it is missing or older than
# pyproject.toml, and is a no-op for the install step when it is current.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test screenshots bench lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.stamp-run

demo: $(VENV)/.stamp-run
	$(BIN)/zshield demo

test: $(VENV)/.stamp-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check zshield_tui tests bench
	$(BIN)/lint-imports

screenshots: $(VENV)/.stamp-dev
	$(BIN)/python -m zshield_tui.tui.screenshots screenshots

bench: $(VENV)/.stamp-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
