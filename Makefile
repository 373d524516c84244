# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two package sets, locked with hashes in requirements/ (`make lock` regenerates them): `make serve`
# installs only what the site needs (site.txt); `make test` and `make lint` add the tools (test.txt).
SITE_STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# uv (PyPI's `uv`, pinned with hashes in requirements/uv.txt) installs a set in seconds; pip is the
# fallback when uv cannot be installed, and `make USE_UV=0` forces it.
USE_UV ?= 1
UV_DIR := $(VENV)/.uv
UV := $(UV_DIR)/bin/uv
# The locks hold for Python 3.11 and later on every platform (markers choose per Python).
LOCK_FLAGS := --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
SERVE_ADDR ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
export PIP_ROOT_USER_ACTION := ignore
# uv uses the machine's Python, never one it downloads.
export UV_PYTHON_DOWNLOADS := never

NODE_STAMP := node_modules/.installed
LFORMS := 40.1.3
LFORMS_STAMP := node_modules/.lforms/.installed-$(LFORMS)
BENCH_STAMP := bench/node_modules/.installed

.PHONY: serve test check site release lint lock golden bench bench-linear bench-preview system-deps \
	clean

# The virtualenv. With uv when the base Python's pip can fetch it (no python3-venv needed); else
# with Python's venv, after installing Debian's python3-venv (ensurepip) if it is missing.
$(BIN)/python:
	@if [ "$(USE_UV)" != 0 ] && $(PYTHON) -m pip --version >/dev/null 2>&1 && \
		$(PYTHON) -m pip install --quiet --require-hashes --no-deps --upgrade --target $(UV_DIR) \
		-r requirements/uv.txt && touch $(UV); then \
		echo "uv venv $(VENV)"; \
		$(UV) venv --quiet --seed --allow-existing \
			--python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV) || \
			$(PYTHON) -m venv $(VENV); \
	else \
		$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { [ -x /usr/bin/apt-get ] && \
			[ "$$(id -u)" = 0 ] && apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; }; \
		echo "$(PYTHON) -m venv $(VENV)"; \
		$(PYTHON) -m venv $(VENV); \
	fi

# uv into .venv/.uv with pip, hash-checked (`make lock` needs it).
$(UV): requirements/uv.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --upgrade --target $(UV_DIR) \
		-r requirements/uv.txt
	touch $(UV)

# $(call install,LOCK): every package of LOCK, hash-checked, then cryokb itself (editable). With uv
# (installed here as above unless USE_UV=0) the virtualenv holds exactly LOCK; pip only adds to it,
# and is used when uv cannot be installed.
define install
	@if [ "$(USE_UV)" != 0 ] && { [ $(UV) -nt requirements/uv.txt ] || { \
		$(BIN)/python -m pip install --quiet --require-hashes --no-deps --upgrade \
		--target $(UV_DIR) -r requirements/uv.txt && touch $(UV); } || \
		{ echo "make: uv could not be installed; installing with pip" >&2; false; }; }; then \
		echo "uv pip sync $(1)"; \
		$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(1) && \
		$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
		echo "pip install --require-hashes -r $(1)"; \
		$(BIN)/python -m pip install --quiet --require-hashes -r $(1) && \
		$(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
endef

$(SITE_STAMP): requirements/site.txt pyproject.toml | $(BIN)/python
	$(call install,requirements/site.txt)
	rm -f $(TEST_STAMP)
	touch $(SITE_STAMP)

$(TEST_STAMP): requirements/test.txt $(SITE_STAMP)
	$(call install,requirements/test.txt)
	touch $(TEST_STAMP)

# Resolve requirements/*.in into the hashed locks, keeping every pin the old locks hold that the .in
# files allow (`make lock UPGRADE=1` moves those to the newest releases). Needs uv; site.txt first,
# since test.in takes it as constraints.
lock: $(UV)
	$(UV) pip compile $(LOCK_FLAGS) requirements/uv.in -o requirements/uv.txt
	$(UV) pip compile $(LOCK_FLAGS) requirements/site.in -o requirements/site.txt
	$(UV) pip compile $(LOCK_FLAGS) requirements/test.in -o requirements/test.txt

# Debian's chromium (browser tests) and a Java runtime (Nu Html Checker), installed only when
# missing and we are root. Playwright never downloads a browser here.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ] && [ -x /usr/bin/apt-get ] && [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# The Nu Html Checker from the npm registry, pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

serve: $(SITE_STAMP)
	$(BIN)/mkdocs serve --dirty --dev-addr $(SERVE_ADDR)

check: $(SITE_STAMP)
	$(BIN)/cryokb check

site: $(SITE_STAMP)
	$(BIN)/cryokb build

# What the deploy job runs: CRYOKB_SITE_URL must be the published address.
release: $(SITE_STAMP)
	$(BIN)/cryokb build --release

# NLM's LHC-Forms, a real FHIR form client, for the FHIR export test. `npm pack` fetches only its
# pinned tarball (a plain `npm i lforms` spends many minutes resolving Angular peer dependencies);
# its prebuilt web component needs nothing else.
$(LFORMS_STAMP): $(NODE_STAMP)
	rm -rf node_modules/.lforms && mkdir -p node_modules/.lforms
	cd node_modules/.lforms && npm pack lforms@$(LFORMS) --silent >/dev/null \
		&& tar -xzf lforms-$(LFORMS).tgz package/dist/lforms && rm lforms-$(LFORMS).tgz
	touch $(LFORMS_STAMP)

test: $(TEST_STAMP) $(NODE_STAMP) $(LFORMS_STAMP) system-deps
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests bench tools
	$(BIN)/ruff format --check generator tests bench tools
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml

golden: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

# Lighthouse, pinned by bench/package-lock.json; only the benchmark needs it.
$(BENCH_STAMP): bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	touch $(BENCH_STAMP)

bench: $(TEST_STAMP) $(BENCH_STAMP) system-deps
	$(BIN)/python bench/run.py --json bench/results.json $(ARGS)
	$(BIN)/python bench/report.py bench/results.json > bench/RESULTS.md

# Check and build time against the length of one text (issue #19: every pass is linear).
bench-linear: $(TEST_STAMP)
	$(BIN)/python bench/linear.py > bench/LINEAR.md

bench-preview: $(TEST_STAMP)
	$(BIN)/python bench/preview.py > bench/PREVIEW.md

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache node_modules bench/node_modules
