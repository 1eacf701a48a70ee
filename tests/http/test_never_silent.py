"""The "never silent" property (SPEC "Conversation rules"), on seeded random
conversations against real servers of our own (evaluation/servers.py, with
a credentials file whose rate limits are lifted):

- every message gets at least one reply, in every state, also while the
  conversation waits for an agent (then: a short "passed to the agent");
- no reply text three times within one turn;
- Rasa's circuit breaker never trips (server log);
- a request for a person always ends in a ticket (`custom.data.handoff`),
  unless the conversation is already waiting for an agent.

Size: NEVER_SILENT_CONVERSATIONS (default 80, a few hundred messages;
`make bench-never-silent` runs 1000), seed NEVER_SILENT_SEED. The
failures by kind, with a conversation to replay for each, are printed at the end. A failure
prints the conversation and its seed; replay it with
`python -m evaluation.random_conversations --replay SEED-I`.
"""
import os

import pytest

from evaluation import random_conversations as rc
from evaluation.conversations import Client
from evaluation.servers import start_servers

SEED = int(os.environ.get("NEVER_SILENT_SEED", "20240601"))
COUNT = int(os.environ.get("NEVER_SILENT_CONVERSATIONS", "80"))
MAX_MESSAGES = int(os.environ.get("NEVER_SILENT_MAX_MESSAGES", str(rc.MAX_MESSAGES)))
SCRIPTS = rc.generate(SEED, COUNT, MAX_MESSAGES)


@pytest.fixture(scope="module")
def results(tmp_path_factory, request):
    with start_servers(tmp_path_factory.mktemp("never-silent")) as running:
        done = rc.run(SCRIPTS, Client(running.url, running.api_secret, running.session_key), running.rasa_log)
    yield {r.script.seed: r for r in done}
    # Failures by kind, each with a conversation to replay, after the dots.
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_sep("-", f"never silent, seed {SEED}")
            reporter.write_line(rc.summary(done))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.seed for s in SCRIPTS])
def test_never_silent(results, script):
    result = results[script.seed]
    if result.failures:
        also = "" if MAX_MESSAGES == rc.MAX_MESSAGES else f" --max-messages {MAX_MESSAGES}"
        pytest.fail(f"{script.seed}: {', '.join(result.kinds)} (replay: python -m "
                    f"evaluation.random_conversations --replay {script.seed}{also})\n{rc.transcript(result)}",
                    pytrace=False)
