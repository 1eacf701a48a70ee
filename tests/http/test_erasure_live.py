"""Erasure with a real Rasa server that has served the conversation (and
paused it for an agent): the lender's endpoint erases it, the server forgets
it under its lock, no table holds anything of it, and the same sender then
starts a fresh conversation, unpaused, whose first answer says how long it
is kept and where the privacy notice is, in the borrower's language."""
import pathlib
import tempfile

import pytest

from tests.conftest import setup_console

setup_console(pathlib.Path(tempfile.mkdtemp(prefix="console-")) / "console.db")

from django.test import Client  # noqa: E402

from borrower_help.reporting import catch_up  # noqa: E402
from borrower_help.storage import erasure  # noqa: E402
from support_console.web.views import erasure_api  # noqa: E402
from tests.traces import traces  # noqa: E402

TOKEN = "live-erasure-token-" + "y" * 24
WORDS = "platypus saffron 90817"


@pytest.fixture
def lender_api(servers, monkeypatch):
    monkeypatch.setenv("RASA_URL", servers.url)
    monkeypatch.setenv("RASA_JWT_SECRET", servers.api_secret)
    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    monkeypatch.setenv("ERASURE_API_TOKEN", TOKEN)
    erasure_api._requests.clear()
    return Client()


def handoff_reference(replies):
    return [m["custom"]["data"]["handoff"]["ticket_id"] for m in replies if m.get("custom")][0]


def test_an_erased_conversation_is_forgotten_by_the_running_server(servers, sender, lender_api):
    first = servers.say(sender, "hello")
    assert "Privacy notice: https://" in first[0]["text"] and "180 days" in first[0]["text"]
    assert not any("Privacy notice" in m.get("text", "") for m in first[1:])
    servers.say(sender, f"my phone changed {WORDS}")
    reference = handoff_reference(servers.say(sender, "I want to talk to a human"))
    servers.say(sender, f"still there? {WORDS}")  # written while paused, for the agent
    assert servers.tracker(sender)["paused"] is True
    catch_up(servers.db_url)
    conversation = servers.conversation(sender)
    needles = [conversation, reference, WORDS]
    assert set(traces(servers.db_url, needles)) == set(needles)

    answer = lender_api.post("/api/erasures", data={"ticket": reference}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["conversation"] == erasure.digest(conversation)
    assert traces(servers.db_url, needles) == {}
    assert "Forgot a conversation" in servers.rasa_log()

    # The same sender: a fresh conversation, not paused, nothing of before.
    tracker = servers.tracker(sender)
    assert tracker["paused"] is False and not any(WORDS in str(e) for e in tracker["events"])
    again = servers.say(sender, "你好")
    assert "隐私政策：https://" in again[0]["text"] and "保留180天" in again[0]["text"]
    tracker = servers.tracker(sender)
    assert tracker["paused"] is False
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["你好"]
    assert traces(servers.db_url, [WORDS, reference]) == {}
    assert not any(TOKEN in path.read_text(errors="replace") for path in pathlib.Path(servers.log_dir).glob("*.log"))


def test_forgetting_needs_the_api_token(servers, sender):
    import requests

    from borrower_help import forget

    servers.say(sender, "hello")
    conversation = servers.conversation(sender)
    refused = requests.delete(servers.url + forget.path(conversation), timeout=10)
    assert refused.status_code == 401
    assert servers.tracker(sender)["events"]  # untouched
    assert forget.in_assistant(conversation, url=servers.url, secret=servers.api_secret) == "assistant forgot it"
    assert not [e for e in servers.tracker(sender)["events"] if e["event"] == "user"]
