# syntax=docker/dockerfile:1
# The support console (support_console/, gunicorn) with its static files
# collected at build time, Chart.js from npm included (support_console/assets,
# versions from its package-lock.json). Also runs the migration and
# reporting Jobs. Build from the repository root:
#
#   docker build -f deploy/docker/console.Dockerfile -t REGISTRY/borrower-help/console:TAG .
#
# No secret is in the image: CONSOLE_SECRET_KEY, RASA_JWT_SECRET,
# ERASURE_API_TOKEN and the database URLs are environment variables.

FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY support_console/assets/package.json support_console/assets/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

FROM python:3.10-slim-bookworm AS python-base

FROM python-base AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY constraints.txt deploy/docker/requirements-console.txt /tmp/requirements/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements/requirements-console.txt -c /tmp/requirements/constraints.txt \
    && /opt/venv/bin/python -c "import django, axes, gunicorn, whitenoise, sqlalchemy, alembic, psycopg2, yaml, requests, jwt"

FROM python-base
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY borrower_help/ borrower_help/
# lender.yml: retention_days (the worker's purge), deadlines and canned replies (console).
COPY lender.yml ./
COPY support_console/ support_console/
COPY --from=assets /assets/node_modules/chart.js/dist/ support_console/assets/node_modules/chart.js/dist/
COPY deploy/docker/console_settings.py console_settings.py
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=console_settings BORROWER_HELP_VAR=/app/var HOME=/tmp
# collectstatic only imports the settings, which need *a* secret key: a
# throw-away value for this one command, never kept in the image.
RUN CONSOLE_SECRET_KEY=collectstatic-only-not-a-secret \
        python -m support_console.manage collectstatic --noinput -v0 \
    && test -f /app/static/vendor/chart.umd.js \
    && test ! -e /app/var \
    && python -m compileall -q borrower_help support_console console_settings.py
USER 10001:10001
EXPOSE 8000
# A host Django accepts, and the proxy's https header (CONSOLE_HTTPS=1).
HEALTHCHECK --interval=20s --timeout=5s --start-period=30s --retries=4 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/login/', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4)"]
CMD ["gunicorn", "support_console.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60", "--graceful-timeout", "10"]
