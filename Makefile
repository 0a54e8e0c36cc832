# Two commands for a newcomer: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EMBEDDED := $(BIN)/python -m portal.embedded exec --
PROD_CHECK_ENV := DJANGO_SETTINGS_MODULE=portal.settings.production DJANGO_SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop DJANGO_ALLOWED_HOSTS=portal.example.org

.PHONY: run test lint check-deploy pytest bench install assets browser system-libs clean

run: install assets system-libs
	$(BIN)/python -m portal.embedded run

test: install assets system-libs browser lint
	$(EMBEDDED) $(MAKE) --no-print-directory check-deploy pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# These two expect DATABASE_URL and REDIS_URL (make test provides the embedded ones).
check-deploy:
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install assets
	$(BIN)/python -m portal.embedded exec -- $(BIN)/python -m bench $(BENCH_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $@

assets: staticfiles/.collected

staticfiles/.collected: package.json package-lock.json $(VENV)/.installed $(shell find static -type f)
	npm ci --no-audit --no-fund --silent
	DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	touch $@

# Debian's chromium for the end-to-end tests (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the end-to-end tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's libraries behind python-magic (uploads checked by content) and WeasyPrint (PDFs).
system-libs:
	@{ ldconfig -p | grep -q 'libmagic.so.1 ' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0 ' && test -d /usr/share/fonts/truetype/liberation; } || { \
	  echo "Installing Debian's libmagic1, Pango and the Liberation fonts for uploads and PDFs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmagic1 libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation >/dev/null; }

clean:
	rm -rf $(VENV) node_modules staticfiles
