# The two commands that set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := .newsweave/demo.db
DEMO_DIR ?= examples/demo
EXTRAS ?= all

.PHONY: demo test venv lint typecheck bench quality clean

# Bootstrap: a venv from nothing, pip upgraded first (the seeded 23.2.1 is too old), then the
# project with its extras.  The stamp file is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed-$(EXTRAS): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

venv: $(BIN)/.installed-$(EXTRAS)

# The main job on the demo corpus, in a fresh store: read the articles, find who copied whom,
# group them into stories and print each story's cited summary with its sources.  The store
# stays behind for `newsweave stories --db .newsweave/demo.db` and `newsweave story ID`.
demo: venv
	mkdir -p $(dir $(DEMO_DB))
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newsweave digest $(DEMO_DIR) --db $(DEMO_DB)

test: venv
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: venv
	$(BIN)/mypy

quality: venv
	$(BIN)/python benchmarks/quality.py

clean:
	rm -rf $(VENV) .newsweave build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
