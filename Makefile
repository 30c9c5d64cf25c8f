# The two commands of the README: `make run` and `make test`. Both set themselves up and are
# safe to run twice.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test test-fast test-es setup lint demo clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 が必要です（$(PYTHON) が見つかりません）"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)
	mkdir -p var

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# Serves http://127.0.0.1:$(PORT)/ with demo content; the task worker runs beside the server.
run: demo
	@echo "伴走ナレッジ: http://127.0.0.1:$(PORT)/ （終了は Ctrl+C）"
	BASE_URL="$${BASE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py db_worker --queue-name '*' & \
	WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest

# The inner loop: lint and everything but the browser tests (about a third of the time of `make test`).
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -m "not browser" -q $(ARGS)

# The backend contract suite against a real Elasticsearch with kuromoji + ICU (docs/search.md):
#   ES_URL=http://localhost:9200 make test-es
# Every test must pass on both backends; none of the elasticsearch ones may be skipped.
test-es: setup
	@test -n "$(ES_URL)" || { echo "ES_URL を指定してください（例: ES_URL=http://localhost:9200 make test-es）"; exit 1; }
	DJANGO_SETTINGS_MODULE=config.settings.test ES_URL="$(ES_URL)" $(BIN)/python -m pytest -rs -v tests/search/test_contract.py

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var $(VENV)
