# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo web-demo screenshots test bench chat lint i18n clean image-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/huihui demo

chat: $(STAMP)
	$(BIN)/huihui chat

# The Mini Apps with the demo's union, on 127.0.0.1:$HUIHUI_HTTP_PORT (8080): a link per person.
web-demo: $(STAMP)
	$(BIN)/huihui web-demo

# Every Mini App screen of the web demo's people at 360×780 and 1280×800 (Debian's chromium;
# fonts-noto-color-emoji and chromium-l10n as on a phone in China) into screenshots/, and the
# README's few refreshed in docs/screenshots/.
screenshots: $(STAMP)
	$(BIN)/python tests/screenshots.py screenshots

# Three workers on two cores: a third of the suite's time is spent waiting (for PostgreSQL,
# for processes it starts and stops, for Chromium), which a third worker fills (the whole
# suite, 2,060 tests, took 12.6 min in a clone on this machine and 21.8 min of CPU: 1.7 of
# the 2 cores busy).
# Compiled modules are kept (__pycache__, ignored by git) even where the environment asks
# Python not to write them (PYTHONDONTWRITEBYTECODE=1 here): each worker collects every test
# file, and without the cache each compiles them again, assertion rewriting included: the
# collection took 15.3 s with -n 3 and 7.4 s from the cache (load 3-4); bot processes the
# tests start read the bot's modules from it too.
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 3 $(PYTEST_ARGS)

# Style, the layer rule (import contracts in pyproject.toml) and types (strict on the domain
# and the services).
lint: $(STAMP)
	$(BIN)/ruff check bot conversations storage tests benchmarks
	$(BIN)/ruff format --check bot conversations storage tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# The scale benchmarks run on PostgreSQL too when it is reachable (emptied first).
BENCH_POSTGRES ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/roster_import.py
	$(BIN)/python benchmarks/match_quality.py
	$(BIN)/python benchmarks/market.py
	$(BIN)/python benchmarks/market_simulation.py
	$(BIN)/python benchmarks/market_plan.py
	$(BIN)/python benchmarks/market_plan.py --members 1000000
	$(BIN)/python benchmarks/scam_screen.py
	$(BIN)/python benchmarks/match_latency.py
	$(BIN)/python benchmarks/match_latency.py --profiles 1000000 --viewers 10 --naive-viewers 1
	$(BIN)/python benchmarks/browse.py --profiles 1000000
	$(BIN)/python benchmarks/fair.py
	$(BIN)/python benchmarks/union.py
	$(BIN)/python benchmarks/import_beside_bot.py
	$(BIN)/python benchmarks/digest.py
	$(BIN)/python benchmarks/busy_match.py
	$(BIN)/python benchmarks/retention.py
	$(BIN)/python benchmarks/backlog.py
	$(BIN)/python benchmarks/desk.py
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		$(BIN)/python benchmarks/match_latency.py --profiles 1000000 --viewers 10 --naive-viewers 1 --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/browse.py --profiles 1000000 --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/fair.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/union.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/market_plan.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/market_plan.py --members 1000000 --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/import_beside_bot.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/digest.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/throughput.py --onboarding-only --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/busy_match.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/backlog.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/desk.py --database-url $(BENCH_POSTGRES) && \
		$(BIN)/python benchmarks/one_process.py --load-only && \
		$(BIN)/python benchmarks/one_process.py --loaded; \
	else echo "PostgreSQL is not reachable at 127.0.0.1:5432: the scale benchmarks ran on SQLite only"; fi
	$(BIN)/python benchmarks/broadcast.py --recipients 3000 --rate 30
	$(BIN)/python benchmarks/broadcast.py --recipients 100000 --rate 1000
	$(BIN)/python benchmarks/flood.py
	HUIHUI_HOSTILE_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/test_hostile_text.py
	HUIHUI_HOSTILE_ACTIONS=50000 $(BIN)/python -m pytest -q tests/test_hostile_run.py
	HUIHUI_CRASH_STRIDE=1 HUIHUI_CRASH_STATEMENT_STRIDE=1 $(BIN)/python -m pytest -q tests/test_crash_points.py

# The container image, built on a base made here from Debian's archive, started against
# PostgreSQL with a stand-in for Telegram (deploy/image-test.sh). Needs a Docker engine; not
# part of `make test`.
image-test: $(STAMP)
	PYTHON=$(BIN)/python deploy/image-test.sh

# Re-extract member-facing strings into the catalogs after changing text in code.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o bot/common/locales/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i bot/common/locales/messages.pot -d bot/common/locales -D messages --no-fuzzy-matching --width=100 --ignore-pot-creation-date

clean:
	rm -rf $(VENV) .pytest_cache huihui.db huihui.db-*
