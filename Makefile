# Borrower Help — the two commands are `make run` and `make test`.
# Everything else is a step they use, also callable on its own. Every process
# is started by the one launcher (python -m borrower_help.launcher); ports,
# addresses and the database come from the environment (RASA_PORT,
# ACTION_PORT, CONSOLE_PORT, WIDGET_PORT, DATABASE_URL, CORS_ORIGINS:
# borrower_help/launcher/settings.py), never from here.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
MODEL       := models/borrower-help.tar.gz
WIDGET      := widget/dist/webchat.js
CHARTS      := support_console/assets/node_modules/chart.js/dist/chart.umd.js

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# Same data, same seeds, same model behaviour.
export PYTHONHASHSEED := 0
export TF_DETERMINISTIC_OPS := 1

# Python 3.10 (the newest Rasa 3.6 supports): on PATH, from pyenv, or from uv.
PYTHON310 = $(shell scripts/find-python310.sh)

TRAINING_INPUTS := config.yml $(shell find domain data rasa_extensions/components -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

.PHONY: help setup test-setup system-packages checks-without-model train widget console console-user api-token run run-prod shell test test-unit test-stories test-http test-security test-browser test-production test-kubernetes test-lint validate eval eval-conversations bench-nlu bench-load bench-never-silent bench-console bench-tracker-reuse clean

help:
	@echo "make run       set up, train if the data changed, start the assistant (demo page on localhost:8080)"
	@echo "make run-prod  the production shape: Rasa servers behind nginx on PostgreSQL, Redis, RabbitMQ"
	@echo "make test      set up, train if needed, run every test"
	@echo "make train     set up and train only      make shell  chat in the terminal"
	@echo "make eval      NLU accuracy and macro-F1 per language on the held-out split"
	@echo "make eval-conversations   borrower personas played against real servers (docs/conversation-evaluation.md)"
	@echo "make api-token a bearer token for Rasa's HTTP API (1 hour)"
	@echo "make bench-nlu / bench-load   accuracy and load figures against stock Rasa (docs/benchmarks.md)"

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is needed (Rasa 3.6 supports <3.11) and none was found."; \
		echo "Install one, e.g. 'pyenv install 3.10.13' or 'uv python install 3.10', then run make again."; \
		exit 1; fi
	@test -x $(BIN)/python || "$(PYTHON310)" -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (first time: about 2 minutes)..."
	@$(BIN)/pip install --quiet --disable-pip-version-check \
		-r requirements.txt -r requirements-dev.txt -c constraints.txt 2>&1 \
		| grep -v "^WARNING: Location" || true
	@$(BIN)/python -c "import rasa, rasa_sdk, jieba, alembic, axes" || { echo "Dependency install failed."; exit 1; }
	@touch $@

setup: $(BIN)/.installed

# Trained only from data that `rasa data validate --fail-on-warnings` passed
# (VALIDATED), so training skips its own, laxer validation (about 40 s).
VALIDATED := models/.validated
$(VALIDATED): $(BIN)/.installed $(TRAINING_INPUTS)
	@mkdir -p models
	$(BIN)/rasa data validate --domain domain --fail-on-warnings
	@touch $@

$(MODEL): $(VALIDATED)
	$(BIN)/rasa train --domain domain --fixed-model-name borrower-help --out models --skip-validation
	@touch $@

train: $(MODEL)

# The chat widget: rasa-webchat from npm (versions in widget/package-lock.json),
# rebuilt for local serving by widget/build.mjs.
$(WIDGET): widget/package.json widget/package-lock.json widget/build.mjs
	@command -v npm >/dev/null || { echo "Node.js and npm are needed to build the widget (Debian: apt-get install nodejs npm)."; exit 1; }
	@cd widget && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run --silent build

widget: $(WIDGET)

# The support console: Chart.js from npm (support_console/assets/package-lock.json).
$(CHARTS): support_console/assets/package.json support_console/assets/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the console's charts (Debian: apt-get install nodejs npm)."; exit 1; }
	@cd support_console/assets && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

console: $(BIN)/.installed $(CHARTS)
	@umask 077 && $(BIN)/python -m support_console.manage migrate -v0

# make console-user NAME=mei ROLE=agent|lead [SHOWN_AS="Mei Chen"]  (asks for the password)
console-user: console
	@test -n "$(NAME)" -a -n "$(ROLE)" || { echo "usage: make console-user NAME=mei ROLE=agent|lead [SHOWN_AS='Mei Chen']"; exit 1; }
	@$(BIN)/python -m support_console.manage createuser "$(NAME)" --role "$(ROLE)" --name "$(SHOWN_AS)"

# A bearer token for Rasa's HTTP API (docs/api.md), valid for an hour.
api-token: $(BIN)/.installed
	@umask 077 && $(BIN)/python -m borrower_help.api_token

run: $(MODEL) $(WIDGET) console
	@umask 077 && $(BIN)/python -m borrower_help.launcher run

# The production shape: several Rasa servers behind nginx on PostgreSQL, Redis
# and RabbitMQ (README "Production shape"; settings in deploy/prod.env.example).
run-prod: $(MODEL) $(WIDGET) console
	@scripts/ensure-nginx.sh
	@umask 077 && $(BIN)/python -m borrower_help.launcher run-prod

shell: $(MODEL)
	@umask 077 && $(BIN)/python -m borrower_help.launcher shell

validate: $(VALIDATED)

test-lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

test-unit: $(BIN)/.installed $(CHARTS)
	@scripts/ensure-nginx.sh  # the rendered nginx configuration is checked by nginx -t
	$(BIN)/pytest tests/core tests/actions tests/rasa_extensions tests/scripts tests/bench tests/evaluation tests/console tests/reporting tests/launcher -q

# The test stories (test_stories_*.yml in tests/) against the trained model.
test-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/ \
		--fail-on-prediction-errors --out results/stories --quiet

test-http: $(MODEL) $(WIDGET)
	$(BIN)/pytest tests/http -q

# The outside review's attacks, each against running servers.
test-security: $(MODEL) $(WIDGET)
	$(BIN)/pytest tests/security -q -rs

# A real browser (Debian's Chromium driven by Playwright) on the demo page;
# screenshots in test-output/browser/.
test-browser: $(MODEL) $(WIDGET)
	@scripts/ensure-browser.sh
	$(BIN)/pytest tests/browser -q

# Against this machine's PostgreSQL, Redis and RabbitMQ (skipped, with the
# reason, where they are not running); restarts PostgreSQL and RabbitMQ.
test-production: $(MODEL)
	@scripts/ensure-nginx.sh
	$(BIN)/pytest tests/production -q -rs

# Kubernetes manifests and Dockerfiles (deploy/kubernetes, deploy/docker), checked
# without a cluster: every overlay rendered (kubectl kustomize), every object
# validated against the Kubernetes API schemas, manifests and Dockerfiles
# scanned by checkov, and the manifests compared with what the launcher reads.
# The tools live in their own virtualenv, .venv-tools (pinned in
# deploy/kubernetes/tools-requirements.txt), never in .venv; .venv (for pytest)
# is set up when it is missing, never reinstalled by this target.
TOOLS_VENV := .venv-tools
TOOLS_BIN  := $(TOOLS_VENV)/bin
KUBECTL    ?= /usr/bin/kubectl

$(TOOLS_BIN)/.installed: deploy/kubernetes/tools-requirements.txt
	@test -x $(TOOLS_BIN)/python || python3 -m venv $(TOOLS_VENV)
	@echo "Installing checkov and kubernetes-validate into $(TOOLS_VENV) (first time: under a minute)..."
	@$(TOOLS_BIN)/pip install --quiet --disable-pip-version-check -r deploy/kubernetes/tools-requirements.txt 2>&1 \
		| grep -v "^WARNING: Location" || true
	@$(TOOLS_BIN)/python -c "import checkov, kubernetes_validate" || { echo "Installing the Kubernetes check tools failed."; exit 1; }
	@touch $@

test-kubernetes: $(TOOLS_BIN)/.installed
	@test -x $(BIN)/pytest || $(MAKE) --no-print-directory setup
	@test -x $(KUBECTL) || { echo "kubectl is needed at $(KUBECTL) (make test-kubernetes KUBECTL=/path/to/kubectl)."; exit 1; }
	KUBECTL=$(KUBECTL) $(TOOLS_BIN)/python deploy/kubernetes/check.py --verbose
	KUBECTL=$(KUBECTL) $(BIN)/pytest tests/kubernetes -q -rs

# Downloads first and side by side (pip, npm and apt mostly wait on the
# network): both virtualenvs, the widget and chart packages, nginx, Chromium.
test-setup:
	@$(MAKE) --no-print-directory -j4 $(BIN)/.installed $(TOOLS_BIN)/.installed $(WIDGET) $(CHARTS) system-packages

system-packages:
	@scripts/ensure-nginx.sh
	@scripts/ensure-browser.sh

# Training keeps about one of two cores busy for most of its minutes: the
# checks that need no model (lint, unit tests, Kubernetes manifests) run
# beside it (the model is the same: seeds and deterministic ops). A Rasa
# server answers on one event loop, one core: the suites that start their
# own servers run two at a time, each on its own ports and files; the
# production suite, with two Rasa servers of its own, runs alone.
test: test-setup validate
	@$(MAKE) --no-print-directory -j2 --output-sync=target $(MODEL) checks-without-model
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-stories test-http
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-security test-browser
	@$(MAKE) --no-print-directory test-production

checks-without-model:
	@$(MAKE) --no-print-directory test-lint test-unit test-kubernetes

eval: $(BIN)/.installed
	$(BIN)/python scripts/evaluate_nlu.py

# Borrower personas (evaluation/personas/) talk to real servers started for
# the run; writes docs/conversation-evaluation.md.
eval-conversations: $(MODEL)
	$(BIN)/python -m evaluation.conversations

# Ours against Rasa's default pipeline / a stock `rasa init` bot, same run;
# both rewrite their section of docs/benchmarks.md (see bench/README.md).
bench-nlu: $(MODEL)
	$(BIN)/python bench/nlu.py

bench-load: $(MODEL)
	$(BIN)/python bench/load.py

# The support console at a lender's size: N synthetic conversations (from the
# real ones in bench/fixtures/) in a fresh SQLite file or DB=postgresql
# database; pages, exports, rebuild and lag timed (docs/benchmarks.md).
bench-console: $(BIN)/.installed
	$(BIN)/python bench/console.py --conversations $(or $(N),10000) --database $(or $(DB),sqlite)

# CPU per tracker read: from SQL and replayed vs the tracker kept in memory
# (rasa_extensions/stores/recent_trackers.py); prints a table.
bench-tracker-reuse: $(BIN)/.installed
	$(BIN)/python bench/tracker_reuse.py

# The "never silent" property test of `make test-http` at a larger size
# (1000 random conversations); NEVER_SILENT_SEED=... for other conversations.
bench-never-silent: $(MODEL)
	NEVER_SILENT_CONVERSATIONS=$${NEVER_SILENT_CONVERSATIONS:-1000} $(BIN)/pytest tests/http/test_never_silent.py -q --tb=no

clean:
	rm -rf models results .pytest_cache test-output widget/dist
