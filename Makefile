# Entry points for operators and developers. See README.md.
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test test-catalog bench bench-catalog template migrate status

setup:
	@scripts/setup.sh

## Set up, load the sample catalog into an empty catalog, then start the bot.
run: setup
	@$(PY) -m catalog load-sample
	@echo "Danh mục đã sẵn sàng. Phần bot (Rasa) sẽ có ở issue tiếp theo; hiện 'make run' dừng sau khi nạp danh mục."

## The whole test suite (SQLite and the PostgreSQL at 127.0.0.1:5432).
test: setup
	@$(PY) -m pytest

bench: bench-catalog

## National-scale import and query timings on SQLite and PostgreSQL (prints figures).
bench-catalog: setup
	@$(PY) -m bench.catalog_bench

## The empty spreadsheet admissions offices fill in.
template: setup
	@$(PY) -m catalog export --empty docs/mau-danh-muc.xlsx

migrate: setup
	@$(PY) -m catalog migrate

status: setup
	@$(PY) -m catalog status
