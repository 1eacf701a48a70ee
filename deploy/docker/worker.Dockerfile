# syntax=docker/dockerfile:1
# The worker (python -m borrower_help.worker): the helpdesk outbox. Build
# from the repository root:
#
#   docker build -f deploy/docker/worker.Dockerfile -t REGISTRY/borrower-help/worker:TAG .
#
# No secret is in the image (DATABASE_URL, HELPDESK_WEBHOOK_*: environment).

FROM python:3.10-slim-bookworm AS python-base

FROM python-base AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY constraints.txt deploy/docker/requirements-worker.txt /tmp/requirements/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements/requirements-worker.txt -c /tmp/requirements/constraints.txt \
    && /opt/venv/bin/python -c "import sqlalchemy, alembic, psycopg2, yaml, requests, jwt"

FROM python-base
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY borrower_help/ borrower_help/
# lender.yml: retention_days (the worker's purge), deadlines and canned replies (console).
COPY lender.yml ./
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    BORROWER_HELP_VAR=/app/var HOME=/tmp
RUN python -m compileall -q borrower_help
USER 10001:10001
# No port: healthy = the database answers with the current schema.
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 \
    CMD ["python", "-m", "borrower_help.storage", "status"]
CMD ["python", "-m", "borrower_help.worker"]
