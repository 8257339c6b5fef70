# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
PYTHON ?= python3

.PHONY: setup run worker demo demo-message test lint test-browser bench bench-intents clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# The whole product on embedded defaults: SQLite under instance/, and the in-process queue
# unless REDIS_URL is set (then a worker process is started beside the web server).
run: setup
	@mkdir -p instance
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting one worker beside the web server"; \
		$(PY) worker.py & \
		trap 'kill $$!' EXIT INT TERM; \
		PORT=$(PORT) $(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 8 'app:create_app()'; \
	else \
		PORT=$(PORT) exec $(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 'app:create_app()'; \
	fi

worker: setup
	$(PY) worker.py

# A try-out without real accounts is `make run` itself: on embedded defaults the sandbox is on
# (/sandbox), and every channel without credentials answers through the built-in fake platform API
# on 127.0.0.1:8975. `make demo` adds the example catalogue and orders and a demo admin.
DEMO_ENV = INBOX_ADMIN_EMAIL=admin@toko.example INBOX_ADMIN_PASSWORD=admin12345

demo: setup
	@mkdir -p instance
	@env $(DEMO_ENV) $(VENV)/bin/flask --app app shop import-products examples/products.csv
	@env $(DEMO_ENV) $(VENV)/bin/flask --app app shop import-orders examples/orders.csv
	@env $(DEMO_ENV) $(MAKE) --no-print-directory run

# make demo-message PLATFORM=twilio TEXT="brp ongkir ke medan kak"
# PLATFORM: twilio, telegram, whatsapp (Cloud API), instagram, facebook, x; ARGS=--comment for a
# public comment or mention instead of a DM.
PLATFORM ?= twilio
TEXT ?= brp ongkir ke medan kak
ARGS ?=
demo-message: setup
	@env $(DEMO_ENV) $(PY) -m tests.fakes.send_webhook $(PLATFORM) "$(TEXT)" $(ARGS)

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

# Debian's Chromium for the browser test (root); `make test` skips that test without it.
test-browser: setup
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)
	$(PY) -m pytest -q tests/web/test_agents_browser.py

bench: setup
	$(PY) bench/webhooks.py
	$(PY) bench/pacing.py
	$(PY) bench/intents.py
	$(PY) bench/idle.py
	$(PY) bench/queue_page.py
	$(PY) bench/reports.py
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || echo "wrk not installed: bench/production.py skips ingest"
	$(PY) bench/production.py

bench-intents: setup
	$(PY) bench/intents.py $(FILES)

clean:
	rm -rf $(VENV) instance .pytest_cache
