# poaudit developer loop. `make demo` and `make test` each install what is missing first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_PACKAGES := chromium chromium-driver
PYTEST_ARGS ?=

.PHONY: install system-deps test lint demo bench docs clean

install: system-deps $(STAMP)

# Debian's Chromium + ChromeDriver for the accessibility stage (no browser download at run
# time), PostgreSQL binaries for the store tests when no server answers on 127.0.0.1:5432.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/chromedriver ] || missing="$$missing chromium-driver"; \
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# axe-selenium-python 3.0.0 bundles axe-core 4.10.2 and declares Python >= 3.12, but runs
	# on 3.11; without the flag pip silently picks 2.1.6 (axe-core 3.1.1, rejects wcag21a).
	$(BIN)/pip install -q --no-deps --ignore-requires-python 'axe-selenium-python==3.0.0'
	touch $(STAMP)

test: install
	SE_OFFLINE=true $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy poaudit crawler probes scoring reports demoarea

demo: install
	SE_OFFLINE=true $(BIN)/poaudit demo --out poaudit-demo

bench: install
	$(BIN)/python bench/run_all.py

docs: install
	$(BIN)/python scripts/gen_probe_docs.py

clean:
	rm -rf $(VENV) poaudit-demo reports-out .pytest_cache .mypy_cache .ruff_cache
