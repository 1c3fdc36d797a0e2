# Airspace — the targets people guess. Everything installs into .venv from requirements.lock.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 50051

.PHONY: install redis-server run test lint proto check-proto bench demo clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --config-settings editable_mode=compat -e .
	$(PY) -m scripts.gen_protos --check
	touch $(STAMP)

install: $(STAMP) ## create .venv, install pinned dependencies, verify generated stubs

run: $(STAMP) ## serve the whole service on the embedded store with the demo city
	$(VENV)/bin/airspace serve --port $(PORT)

demo: $(STAMP) ## the whole story in one process: a city, a firm's deliveries, the fleet over MAVLink, the regulator's alerts (about 3 minutes)
	$(VENV)/bin/airspace demo

redis-server: ## install Debian's redis-server when it is missing (the Redis store's tests use it)
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null; }

test: $(STAMP) redis-server ## run the test suite
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check airspace planner sitl tests bench scripts
	$(VENV)/bin/mypy airspace planner sitl

proto: $(STAMP) ## regenerate airspace/v1 from protos/
	$(PY) -m scripts.gen_protos

check-proto: $(STAMP)
	$(PY) -m scripts.gen_protos --check

bench: $(STAMP) ## run the benchmarks and print their tables (about 25 minutes)
	for b in strategic live conflicts routes vrp replicas sitl_fleet bridge soak; do $(PY) -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
