"""The console's takeover against a real Rasa server: an agent takes a ticket
created by a real conversation, replies (marked as from a person, in the same
conversation), resolves it, and the bot is back, in the borrower's language."""
import pathlib
import tempfile

import pytest

from tests.conftest import setup_console

setup_console(pathlib.Path(tempfile.mkdtemp(prefix="console-")) / "console.db")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from borrower_help.storage.tickets import TicketStore  # noqa: E402
from support_console import records  # noqa: E402
from support_console.web.models import AGENT  # noqa: E402
from tests.console.conftest import make_user  # noqa: E402


@pytest.fixture
def console(servers, monkeypatch):
    monkeypatch.setenv("RASA_URL", servers.url)
    monkeypatch.setenv("RASA_JWT_SECRET", servers.api_secret)
    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    client = Client()
    client.force_login(make_user(AGENT, "Mei"))
    return client


def handoff_reference(replies):
    return [m["custom"]["data"]["handoff"]["ticket_id"] for m in replies if m.get("custom")][0]


@pytest.mark.parametrize("language, asks, back", [
    ("en", "I want to talk to a human", "back to help"),
    ("zh", "我要转人工，机器人解决不了", "接下来由我继续为您服务"),
])
def test_take_reply_resolve_and_the_bot_is_back(servers, sender, console, language, asks, back):
    reference = handoff_reference(servers.say(sender, asks))
    assert reference in console.get(reverse("queue")).content.decode()

    console.post(reverse("take", args=[reference]))
    page = console.get(reverse("ticket", args=[reference])).content.decode()
    assert asks in page and "Send reply" in page

    console.post(reverse("reply", args=[reference]), {"text": "Hello, I'm Mei. Let me look at your account."})
    events = servers.tracker(sender)["events"]
    agent = [e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("source") == "agent"]
    assert [(e["text"], e["metadata"]["agent"]) for e in agent] == [
        ("Hello, I'm Mei. Let me look at your account.", "Mei")]

    done = console.post(reverse("resolve", args=[reference]), follow=True).content.decode()
    assert "the bot is back" in done
    tracker = servers.tracker(sender)
    assert tracker["paused"] is False
    names = [e.get("name") for e in tracker["events"]]
    after_resume = tracker["events"][names.index("action_back_from_agent"):]
    assert "resume" in [e["event"] for e in after_resume]
    assert any(e["event"] == "bot" and back in (e.get("text") or "") for e in after_resume)
    assert TicketStore(servers.db_url).get(reference)["status"] == "resolved"
    # ... and asks how the agent did; the rating is kept with the ticket.
    assert any(e["event"] == "bot" and (e.get("metadata") or {}).get("utter_action") == "utter_ask_rating"
               for e in after_resume)
    comment_question = servers.say(sender, '/rate{"rating_score": "4"}')
    assert any(b["payload"] == "/deny" for m in comment_question for b in m.get("buttons", []))
    assert servers.say(sender, "Mei was quick and kind")  # the comment, then thanks
    from borrower_help.storage.ratings import RatingStore

    [rating] = RatingStore(servers.db_url).for_conversation(servers.conversation(sender))
    assert (rating["score"], rating["source"], rating["ticket_reference"]) == (4, "agent", reference)
    assert rating["comment"] == "Mei was quick and kind"

    # The transcript the console shows has it all, in order.
    turns = records.load_conversation(servers.conversation(sender)).turns
    kinds = [t.kind for t in turns if t.kind in ("pause", "agent", "resume")]
    assert kinds == ["pause", "agent", "resume"]
