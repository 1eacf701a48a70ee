"""Console pages with a signed-in agent or lead (Rasa not needed here; the
takeover against a real Rasa server is in tests/http/test_console_takeover.py)."""
import csv
import io
import json
from datetime import datetime, timedelta, timezone
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rasa.shared.core.events import BotUttered

from borrower_help.storage.tickets import tickets as tickets_table
from support_console.web.models import AGENT
from tests.console.conftest import make_user, save_conversation, user


def ticket(store, reason="request_human", priority="normal", minutes_ago=0, conversation="c-1"):
    created = store.create(conversation, reason, priority, "en", None, {"can_log_in": False}, "Handoff: test")
    with store.engine.begin() as connection:
        connection.execute(tickets_table.update().where(tickets_table.c.reference == created["reference"])
                           .values(created_at=datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)))
    return created["reference"]


def test_queue_shows_urgent_first_then_longest_waiting(stores, agent_client):
    _, store = stores
    old_normal = ticket(store, minutes_ago=50)
    new_urgent = ticket(store, "fraud", "high", minutes_ago=1)
    new_normal = ticket(store, minutes_ago=5)
    page = agent_client.get(reverse("queue")).content.decode()
    assert page.index(new_urgent) < page.index(old_normal) < page.index(new_normal)
    assert "50 min" in page and "can_log_in: no" in page


def test_two_agents_take_the_same_ticket_one_gets_it(stores):
    _, store = stores
    reference = ticket(store)
    first, second = Client(), Client()
    mei, li = make_user(AGENT, "Mei"), make_user(AGENT, "Li")
    first.force_login(mei)
    second.force_login(li)
    first.post(reverse("take", args=[reference]))
    answer = second.post(reverse("take", args=[reference]), follow=True).content.decode()
    assert f"already taken by {mei.username}" in answer
    assert store.get(reference)["assigned_to"] == mei.username
    # Only the holder may answer or resolve.
    refused = second.post(reverse("reply", args=[reference]), {"text": "hello"}, follow=True).content.decode()
    assert "Take " in refused and "before answering" in refused


def test_a_reply_that_cannot_be_delivered_is_kept(stores, agent_client, monkeypatch):
    _, store = stores
    reference = ticket(store)
    agent_client.post(reverse("take", args=[reference]))
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens there
    page = agent_client.post(reverse("reply", args=[reference]), {"text": "We are on it"}, follow=True)
    text = page.content.decode()
    assert "could not be reached" in text and "We are on it</textarea>" in text
    resolved = agent_client.post(reverse("resolve", args=[reference]), follow=True).content.decode()
    assert "The ticket stays open" in resolved and store.get(reference)["status"] == "assigned"
    assert "127.0.0.1:9" not in text + resolved  # no address (or token) shown to agents


def test_unknown_ticket_is_404(stores, agent_client):
    assert agent_client.get(reverse("ticket", args=["BH-NOPE00"])).status_code == 404


def test_exports_hold_the_filtered_conversations(stores, agent_client):
    url, _ = stores
    save_conversation(url, "conv-en", [user("how can I repay", "ask_repayment_options"), BotUttered("Bank transfer")])
    save_conversation(url, "conv-zh", [user("怎么还款", "ask_repayment_options"), BotUttered("银行转账")])
    rows = list(csv.reader(io.StringIO(b"".join(
        agent_client.get(reverse("export_csv") + "?q=怎么").streaming_content).decode())))
    assert rows[0][:5] == ["conversation_id", "timestamp", "language", "outcome", "speaker"]
    assert {r[0] for r in rows[1:]} == {"conv-zh"} and ["user", "怎么还款"] == rows[1][4:6]
    lines = b"".join(agent_client.get(reverse("export_jsonl")).streaming_content).decode().splitlines()
    assert {json.loads(line)["conversation_id"] for line in lines} == {"conv-en", "conv-zh"}
    listing = agent_client.get(reverse("conversations") + "?since=not-a-date").content.decode()
    assert "is not a date" in listing and "how can I repay" in listing  # the bad filter is ignored


def test_lead_labels_failures_and_exports_rasa_training_data(stores, lead_client):
    url, _ = stores
    save_conversation(url, "conv-f", [user("my app keeps saying err 502 on pay", "nlu_fallback", 0.2)])
    page = lead_client.get(reverse("review")).content.decode()
    assert "my app keeps saying err 502 on pay" in page
    lead_client.post(reverse("label"), {"text": "my app keeps saying err 502 on pay",
                                        "intent": "report_repayment_failed", "language": "en"})
    refused = lead_client.post(reverse("label"), {"text": "x", "intent": "not_an_intent"}, follow=True)
    assert "Choose one of the assistant&#x27;s intents" in refused.content.decode()
    exported = yaml.safe_load(lead_client.get(reverse("export_nlu")).content)
    assert exported["version"] == "3.1"
    [entry] = [e for e in exported["nlu"] if e["intent"] == "report_repayment_failed"]
    assert "- my app keeps saying err 502 on pay" in entry["examples"]


def test_numbers_page_draws_with_the_local_chart_library(stores, agent_client):
    from borrower_help.storage.ratings import RatingStore

    ratings = RatingStore(stores[0])
    ratings.add("c-1", 5, "bot", "en")
    ratings.add("c-2", 4, "bot", "en")
    ratings.add("c-3", 2, "agent", "zh", "BH-ABC234")
    page = agent_client.get(reverse("numbers")).content.decode()
    assert "bot: en 4.5 (2)" in page and "agent: zh 2.0 (1)" in page
    assert "/static/vendor/chart.umd.js" in page and 'id="figures"' in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


def test_createuser_hashes_the_password_and_sets_the_role():
    call_command("createuser", "lan", "--role", "lead", "--name", "Lan", "--password-stdin",
                 stdin=StringIO("a-long-enough-passphrase\n"), stdout=StringIO())
    lan = User.objects.get(username="lan")
    assert lan.check_password("a-long-enough-passphrase") and lan.password.startswith("pbkdf2_")
    assert [g.name for g in lan.groups.all()] == ["lead"] and lan.first_name == "Lan"
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "weak", "--role", "agent", "--password-stdin",
                     stdin=StringIO("abc\n"), stdout=StringIO())
    assert not User.objects.filter(username="weak").exists()
