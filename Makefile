# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check eval bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The stamp files make a second `make run` start at once; editing pyproject.toml reinstalls.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/helpdesk run

test: $(VENV)/.test-installed
	$(BIN)/ruff check bot tests bench
	$(BIN)/helpdesk check
	$(BIN)/python -m pytest

check: $(VENV)/.installed
	$(BIN)/helpdesk check

eval: $(VENV)/.installed
	$(BIN)/helpdesk eval content/eval/*.yaml

bench: $(VENV)/.test-installed
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/telegram_queue.py
	$(BIN)/python bench/signal_queue.py
	$(BIN)/python bench/scrub.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check bot tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
