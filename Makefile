# imagegen: `make run` starts the app, `make test` runs every test. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8765

.PHONY: run test emulator bench lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.run-deps $@

run: $(VENV)/.run-deps
	$(VENV)/bin/streamlit run app.py

test: $(VENV)/.dev-deps
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_postgres.sh
	$(PY) -m pytest -n 2 --dist loadfile

emulator: $(VENV)/.run-deps
	$(PY) -m imagegen.emulator --port $(PORT)

bench: $(VENV)/.dev-deps
	bash scripts/ensure_chromium.sh
	$(PY) bench/local_driver.py
	$(PY) bench/fanout.py
	$(PY) bench/overhead.py
	$(PY) bench/history.py
	$(PY) bench/compare_click.py --latency 1.0
	$(PY) bench/cold_start.py

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
