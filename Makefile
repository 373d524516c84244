# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

NODE_STAMP := node_modules/.installed
LFORMS := 40.1.3
LFORMS_STAMP := node_modules/.lforms/.installed-$(LFORMS)
BENCH_STAMP := bench/node_modules/.installed

.PHONY: serve test check site release lint golden bench bench-linear bench-preview system-deps clean

$(STAMP): requirements.txt pyproject.toml
	@# Debian's python3 makes virtualenvs only with python3-venv (ensurepip): install it if missing.
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { [ -x /usr/bin/apt-get ] && \
		[ "$$(id -u)" = 0 ] && apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

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

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

check: $(STAMP)
	$(BIN)/cryokb check

site: $(STAMP)
	$(BIN)/cryokb build

# What the deploy job runs: CRYOKB_SITE_URL must be the published address.
release: $(STAMP)
	$(BIN)/cryokb build --release

# NLM's LHC-Forms, a real FHIR form client, for the FHIR export test. `npm pack` fetches only its
# pinned tarball (a plain `npm i lforms` spends many minutes resolving Angular peer dependencies);
# its prebuilt web component needs nothing else.
$(LFORMS_STAMP): $(NODE_STAMP)
	rm -rf node_modules/.lforms && mkdir -p node_modules/.lforms
	cd node_modules/.lforms && npm pack lforms@$(LFORMS) --silent >/dev/null \
		&& tar -xzf lforms-$(LFORMS).tgz package/dist/lforms && rm lforms-$(LFORMS).tgz
	touch $(LFORMS_STAMP)

test: $(STAMP) $(NODE_STAMP) $(LFORMS_STAMP) system-deps
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench tools
	$(BIN)/ruff format --check generator tests bench tools
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml

golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

# Lighthouse, pinned by bench/package-lock.json; only the benchmark needs it.
$(BENCH_STAMP): bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP) system-deps
	$(BIN)/python bench/run.py --json bench/results.json $(ARGS)
	$(BIN)/python bench/report.py bench/results.json > bench/RESULTS.md

# Check and build time against the length of one text (issue #19: every pass is linear).
bench-linear: $(STAMP)
	$(BIN)/python bench/linear.py > bench/LINEAR.md

bench-preview: $(STAMP)
	$(BIN)/python bench/preview.py > bench/PREVIEW.md

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache node_modules bench/node_modules
