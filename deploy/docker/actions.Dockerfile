# syntax=docker/dockerfile:1
# The action server (actions/): rasa-sdk, answering only requests that carry
# the action token. Build from the repository root:
#
#   docker build -f deploy/docker/actions.Dockerfile -t REGISTRY/borrower-help/actions:TAG .
#
# No secret is in the image (ACTION_SERVER_TOKEN, DATABASE_URL: environment).

FROM python:3.10-slim-bookworm AS python-base

FROM python-base AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY constraints.txt deploy/docker/requirements-actions.txt /tmp/requirements/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements/requirements-actions.txt -c /tmp/requirements/constraints.txt \
    && /opt/venv/bin/python -c "import rasa_sdk, sqlalchemy, alembic, psycopg2, yaml, requests, jwt"

FROM python-base
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY borrower_help/ borrower_help/
COPY actions/ actions/
# The lender's settings (brand, hours, menu paths): replace with a ConfigMap
# and LENDER_SETTINGS=/path, no rebuild needed (README).
COPY lender.yml ./
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    BORROWER_HELP_VAR=/app/var HOME=/tmp
RUN python -m compileall -q borrower_help actions \
    && python -c "import zoneinfo; zoneinfo.ZoneInfo('Asia/Shanghai')" \
    && python -m borrower_help.lender --check
USER 10001:10001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
CMD ["python", "-m", "actions.server", "--host", "0.0.0.0", "--port", "5055"]
