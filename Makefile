# Entry points for operators and developers. See README.md.
PY := .venv/bin/python
RASA_ENV := PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup test-browser run serve test lint train eval lookups labelled bench bench-catalog bench-channels bench-bot bench-notify bench-portal soak portal template migrate status office checks

setup:
	@scripts/setup.sh

## Chromium for the web-page tests; only `make test` needs it, so `make run` never waits for it.
test-browser:
	@scripts/setup-test-browser.sh

## Set up, load the sample catalog into an empty catalog, train if needed, start the
## action server and Rasa (REST channel, port 5005) and chat in the terminal.
run: setup
	@$(PY) -m ops.launcher --chat

## The same without the terminal chat (for channels and tests).
serve: setup
	@$(PY) -m ops.launcher

## The whole test suite: catalog (SQLite and PostgreSQL), actions, Rasa data validation,
## conversation tests and end-to-end tests against the real servers.
test: setup lint test-browser
	@$(PY) -m pytest

## Lint and format check (ruff, configured in pyproject.toml).
lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

## Train the Rasa model (skipped by Rasa when data and config are unchanged).
train: setup
	@$(RASA_ENV) .venv-rasa/bin/rasa train --fixed-model-name gdnn --out models

## NLU quality on the held-out set, this pipeline beside the stock Rasa pipeline.
eval: setup
	@$(RASA_ENV) .venv-rasa/bin/python -m ops.eval_nlu

## Regenerate the NLU lookup tables (data/nlu/lookups/) from the catalog.
lookups: setup
	@$(PY) -m catalog lookups

## Counsellors' labels (page "Câu hỏi chưa trả lời") → data/nlu/tu-van-gan-nhan.yml; then `make train`.
labelled: setup
	@$(PY) -m counselling export-labelled

bench: bench-catalog bench-channels

## Gateway overhead (message in → reply out, minus Rasa's time) for Telegram and Zalo.
bench-channels: setup
	@$(PY) -m bench.channel_bench

## The real bot under load over the REST channel: embedded default, production topology
## (PostgreSQL, Redis, 2 replicas behind HAProxy) and a stock `rasa init` bot as the yardstick
## (a few minutes per stack; `.venv/bin/python -m bench.bot_bench --quick --only a` for a smoke run).
bench-bot: setup
	@$(PY) -m bench.bot_bench

## Reminders: 10,000 subscribers to one event against the fake Telegram API (rate limits on):
## time to send all, duplicates, rate-limit violations, the time the rate limit allows (~7 min).
bench-notify: setup
	@$(PY) -m bench.notify_bench

## Soak: the production topology (2 Rasa replicas, PostgreSQL, Redis, HAProxy) at 5 messages a
## second for SOAK_MINUTES (default 30): each process's memory at the start and the end, errors,
## turns and p95 per 5 minutes; exits non-zero on an error or a process grown by more than 10 %.
soak: setup
	@$(PY) -m bench.soak --minutes $${SOAK_MINUTES:-30}

## National-scale import and query timings on SQLite and PostgreSQL (prints figures).
bench-catalog: setup
	@$(PY) -m bench.catalog_bench

## The public handbook: cached province page p95 at 20 concurrent clients, and the PDF of a
## province of 50 schools and 500 programmes (prints figures).
bench-portal: setup
	@$(PY) -m bench.portal_bench

## The public handbook alone (pages, PDFs, chat box) on PORTAL_HOST:PORTAL_PORT (127.0.0.1:8092).
portal: setup
	@$(PY) -m portal serve

## The empty spreadsheet admissions offices fill in.
template: setup
	@$(PY) -m catalog export --empty docs/mau-danh-muc.xlsx

migrate: setup
	@$(PY) -m catalog migrate

status: setup
	@$(PY) -m catalog status

## The staff web service (pages and API) on OFFICE_HOST:OFFICE_PORT (127.0.0.1:8090).
office: setup
	@$(PY) -m staff serve

## The counsellors' conversation checks (tests/conversations/*.yml) against the running bot (make serve).
checks: setup
	@$(PY) -m ops.conversation_checks --url $${RASA_URL:-http://127.0.0.1:5005}
