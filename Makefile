# The two commands: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test install migrate demo lint format check-deploy clean browsers bench screenshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

## make run: SQLite, demo data (loaded once), http://127.0.0.1:$(PORT) (PORT defaults to 8000)
PORT ?= 8000
## The outbox worker runs beside the server, so the console backend prints each message.
run: demo
	$(PY) manage.py send_mail_queue --loop & trap 'kill $$!' EXIT; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

## make serve: production-style serving with gunicorn and whitenoise (set DEBUG=0 and SECRET_KEY)
serve: migrate
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn leave_tracker.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-3} --access-logfile -

## make test: every test (SQLite, or PostgreSQL when DATABASE_URL is set)
test: install browsers
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## make screenshots: rewrite the screenshots in docs/screenshots/ from the browser tests
screenshots: install browsers
	SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

## make browsers: Debian's Chromium for the browser tests (Playwright drives it; its own
## browser download is not used), and axe-core (pinned in tests/browser/axe/package-lock.json),
## which checks every page for WCAG 2.1 A and AA
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
browsers: $(AXE)
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || (apt-get update && apt-get install -y chromium)
	@test -x /usr/bin/chromium || echo "Chromium is missing and this is not root: the browser tests will be skipped."

$(AXE): tests/browser/axe/package-lock.json
	cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

## make bench: the benchmark (docs/BENCHMARKS.md); SCALE=quick takes about a minute.
## The statewide year runs on PostgreSQL when DATABASE_URL is set, else on SQLite.
SCALE ?= statewide
bench: install
	$(PY) manage.py bench --scale $(SCALE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-but-long-enough-for-django-0123456789 \
		ALLOWED_HOSTS=mentoring.example.ca.gov $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
