# syntax=docker/dockerfile:1
# The demo lender page with the chat widget (widget/serve.py, standard
# library only), the widget built from npm (widget/package-lock.json) by
# widget/build.mjs. Build from the repository root:
#
#   docker build -f deploy/docker/page.Dockerfile -t REGISTRY/borrower-help/page:TAG .
#
# --rasa-url (Deployment args) is the assistant's public address.

FROM node:20-bookworm-slim AS widget
WORKDIR /widget
COPY widget/package.json widget/package-lock.json widget/build.mjs ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
    && npm run --silent build \
    && test -f dist/webchat.js

FROM python:3.10-slim-bookworm
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
WORKDIR /app
COPY borrower_help/__init__.py borrower_help/privacy.py borrower_help/
COPY widget/serve.py widget/serve.py
COPY widget/site/ widget/site/
COPY --from=widget /widget/dist/ widget/dist/
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 HOME=/tmp
RUN python -m compileall -q borrower_help widget/serve.py
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/', timeout=4)"]
CMD ["python", "/app/widget/serve.py", "--host", "0.0.0.0", "--port", "8080", "--rasa-url", "http://127.0.0.1:5005"]
