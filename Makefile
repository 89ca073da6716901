# Two commands: `make run` (set up and start both sites with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PRODUCTS ?= 500
# Local runs keep the test database between runs (migrations still apply);
# CI starts from a fresh one (`make test PYTEST_ARGS=--create-db`).
PYTEST_ARGS ?= --reuse-db

.PHONY: run test install migrate seed lint format bench bench-scale worker beat relay clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --products $(PRODUCTS)

run: seed
	@echo ""
	@echo "  Storefront  http://localhost:$(PORT)/"
	@echo "  Portal      http://b2b.localhost:$(PORT)/"
	@echo "  Dashboard   http://localhost:$(PORT)/dashboard/    Admin  http://localhost:$(PORT)/admin/"
	@echo "  Sign-ins: see README.md (password demo-pass-2026)"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/run.py

# The long scenarios: 100,000 products and 1,000,000 price-list entries.
bench-scale: install
	$(BIN)/python bench/imports.py --products 100000 --entries 1000000
	$(BIN)/python bench/growth.py

worker: install
	$(BIN)/celery -A commerce worker --loglevel=info

beat: install
	$(BIN)/celery -A commerce beat --loglevel=info

relay: install
	$(BIN)/python manage.py relay_outbox

clean:
	rm -rf $(VENV) var test-artifacts
