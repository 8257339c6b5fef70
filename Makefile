# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
PYTHON ?= python3

.PHONY: setup run worker test test-browser bench bench-intents clean

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

test: setup
	$(PY) -m pytest -q

# Debian's Chromium for the browser test (root); `make test` skips that test without it.
test-browser: setup
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)
	$(PY) -m pytest -q tests/web/test_agents_browser.py

bench: setup
	$(PY) bench/webhooks.py
	$(PY) bench/intents.py

bench-intents: setup
	$(PY) bench/intents.py $(FILES)

clean:
	rm -rf $(VENV) instance .pytest_cache
