# syntax=docker/dockerfile:1
# The Rasa server: Rasa 3.6 with Borrower Help's extensions (rasa_extensions/)
# and the trained model. Build from the repository root (BuildKit):
#
#   docker build -f deploy/docker/rasa.Dockerfile -t REGISTRY/borrower-help/rasa:TAG .
#
# The model is trained in the `model-train` stage from config.yml, domain/
# and data/ (about 2 minutes on 2 cores; deterministic, so the same data
# gives the same model). To ship the model `make train` already built instead:
#
#   docker build --target with-model-from-context -f deploy/docker/rasa.Dockerfile ...
#
# or build `--target runtime` (no model) and mount one at run time, pointing
# --model at it (README "Running on Kubernetes"). No secret is in the image:
# every secret is an environment variable set by Kubernetes
# (borrower_help/keys.py).

FROM python:3.10-slim-bookworm AS python-base

FROM python-base AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY constraints.txt deploy/docker/requirements-rasa.txt /tmp/requirements/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements/requirements-rasa.txt -c /tmp/requirements/constraints.txt \
    && /opt/venv/bin/python -c "import rasa, jieba, socketio, alembic, psycopg2"

FROM deps AS model-train
WORKDIR /app
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
    PYTHONHASHSEED=0 TF_DETERMINISTIC_OPS=1
COPY config.yml ./
COPY domain/ domain/
COPY data/ data/
COPY rasa_extensions/ rasa_extensions/
COPY borrower_help/ borrower_help/
RUN /opt/venv/bin/rasa train --domain domain --fixed-model-name borrower-help --out models

FROM python-base AS runtime
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY borrower_help/ borrower_help/
COPY rasa_extensions/ rasa_extensions/
COPY credentials.yml endpoints.yml lender.yml ./
COPY deploy/endpoints.prod.yml deploy/endpoints.prod.yml
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 BORROWER_HELP_VAR=/app/var HOME=/tmp
# Owned by root, read-only for the server; the time zones the lender
# settings use must be there (zoneinfo).
RUN python -m compileall -q borrower_help rasa_extensions \
    && python -c "import zoneinfo; zoneinfo.ZoneInfo('Asia/Shanghai')"
USER 10001:10001
EXPOSE 5011
# Sanic opens the port once the model is loaded: an answer on / means ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=4 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5011/', timeout=4)"]
CMD ["python", "-m", "rasa_extensions.server", "--model", "/app/models/borrower-help.tar.gz", \
     "--interface", "0.0.0.0", "--port", "5011", \
     "--endpoints", "/app/deploy/endpoints.prod.yml", "--credentials", "/app/credentials.yml"]

# The model from the build context (models/borrower-help.tar.gz, `make train`).
FROM runtime AS with-model-from-context
COPY models/borrower-help.tar.gz models/borrower-help.tar.gz

# Default (last stage): the model trained above.
FROM runtime AS with-trained-model
COPY --from=model-train /app/models/borrower-help.tar.gz models/borrower-help.tar.gz
