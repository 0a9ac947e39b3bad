# Quick start:  make run   (set up, then extract the shipped sample into results/)
#               make test  (set up, then run the test suite)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test evaluate benchmark clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/vnextract extract corpus/sample.jsonl corpus/html --out results

test: setup
	$(BIN)/python -m pytest -q

evaluate: setup
	$(BIN)/vnextract evaluate ../shared/gold/dev.jsonl ../shared/gold/dev_corpus.jsonl

benchmark: setup
	$(BIN)/python benchmarks/extraction_speed.py

clean:
	rm -rf $(VENV) results build dist *.egg-info
