"""The console's lists are pages of SQL, its exports streams: tested with
more conversations than a page holds."""
import csv
import io
import json
import time

import pytest
from django.urls import reverse
from rasa.shared.core.events import BotUttered

from borrower_help.reporting import catchup
from borrower_help.storage import engine
from borrower_help.storage.schema import events
from support_console import records
from support_console.web.views import queue as queue_view
from support_console.web.views import review as review_view
from support_console.web.views import transcripts
from tests.console.conftest import save_conversation, user
from tests.console.test_views import ticket


def many(url, n, start=None):
    """n conversations written as Rasa writes them (one INSERT of rows), then caught up."""
    start = start or time.time() - 86400
    rows = []
    for i in range(n):
        sender = f"conv-{i:04d}"
        stamp = start + i * 60
        text = f"=cmd|' /C calc'!A0 number {i}" if i == 0 else f"message number {i} 借呗"
        rows.append({"sender_id": sender, "type_name": "user", "timestamp": stamp, "intent_name": "greet",
                     "action_name": None, "data": json.dumps({
                         "event": "user", "timestamp": stamp, "text": text,
                         "parse_data": {"intent": {"name": "greet", "confidence": 0.99}}})})
        rows.append({"sender_id": sender, "type_name": "bot", "timestamp": stamp + 1, "intent_name": None,
                     "action_name": None, "data": json.dumps({
                         "event": "bot", "timestamp": stamp + 1, "text": "Hello!", "metadata": {}})})
    events.create(engine(url), checkfirst=True)
    with engine(url).begin() as connection:
        connection.execute(events.insert(), rows)
    catchup.catch_up(url)


def test_conversations_are_pages_of_sql(stores, agent_client, monkeypatch):
    url, _ = stores
    monkeypatch.setattr(transcripts, "PAGE_SIZE", 10)
    many(url, 25)
    first = agent_client.get(reverse("conversations")).content.decode()
    assert "25 found" in first and "page 1 of 3" in first and "message number 24" in first
    assert "message number 14" not in first
    third = agent_client.get(reverse("conversations") + "?page=3").content.decode()
    assert "message number 4 " in third and "← newer" in third and "older →" not in third
    searched = agent_client.get(reverse("conversations") + "?q=借呗").content.decode()
    assert "24 found" in searched


def test_counts_are_capped(stores, agent_client, monkeypatch):
    url, _ = stores
    from borrower_help.reporting import queries

    monkeypatch.setattr(transcripts, "PAGE_SIZE", 5)
    monkeypatch.setattr(transcripts, "COUNT_CAP", 12)
    monkeypatch.setattr(review_view.queries, "COUNT_CAP", 12)
    monkeypatch.setattr(queries, "COUNT_CAP", 12)
    many(url, 20)
    page = agent_client.get(reverse("conversations")).content.decode()
    assert "more than 12 found" in page and "older →" in page
    last = agent_client.get(reverse("conversations") + "?page=4").content.decode()
    assert "conv-0000" in last and "older →" not in last


def test_exports_stream_a_chunk_at_a_time(stores, agent_client, monkeypatch):
    url, _ = stores
    many(url, 450)
    built = []
    original = records._build

    def counting(connection, ids):
        built.append(len(ids))
        return original(connection, ids)

    monkeypatch.setattr(records, "_build", counting)
    response = agent_client.get(reverse("export_csv"))
    stream = iter(response.streaming_content)
    header = next(stream)
    assert header.startswith(b"conversation_id,") and built == []  # nothing read before it is needed
    next(stream)
    assert built == [200]  # the first 200 conversations, not all of them
    rest = b"".join(stream).decode()
    assert built == [200, 200, 50]
    rows = list(csv.reader(io.StringIO(header.decode() + rest)))
    # A borrower's text starting with "=" stays text in a spreadsheet.
    assert any(r[5] == "'=cmd|' /C calc'!A0 number 0" for r in rows)
    lines = b"".join(agent_client.get(reverse("export_jsonl") + "?q=借呗").streaming_content).splitlines()
    assert len(lines) == 449 and all(json.loads(line)["language"] == "en" for line in lines)


def test_queue_filters_and_pages(stores, agent_client, monkeypatch):
    _, store = stores
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    references = [ticket(store, minutes_ago=10 - i, conversation=f"c-{i}") for i in range(3)]
    urgent = ticket(store, "fraud", "high", minutes_ago=1, conversation="c-fraud")
    with store.engine.begin() as connection:
        from borrower_help.storage.schema import tickets

        connection.execute(tickets.update().where(tickets.c.reference == references[2])
                           .values(language="zh", problem="phone_changed"))
    first = agent_client.get(reverse("queue")).content.decode()
    assert "4 waiting" in first and urgent in first and references[0] in first and references[1] not in first
    assert "page 1 of 2" in first
    assert references[1] in agent_client.get(reverse("queue") + "?page=2").content.decode()
    chinese = agent_client.get(reverse("queue") + "?language=zh").content.decode()
    assert references[2] in chinese and references[0] not in chinese and "1 waiting" in chinese
    assert urgent in agent_client.get(reverse("queue") + "?priority=high").content.decode()
    by_problem = agent_client.get(reverse("queue") + "?problem=phone_changed").content.decode()
    assert references[2] in by_problem and "1 waiting" in by_problem
    agent_client.post(reverse("take", args=[references[1]]))
    mine = agent_client.get(reverse("queue") + "?mine=1").content.decode()
    assert references[1] in mine and "1 waiting" in mine


def test_bot_failures_show_dialogue_failures_and_no_intent_is_chosen(stores, lead_client, monkeypatch):
    url, _ = stores
    monkeypatch.setattr(review_view, "DIALOGUE_PAGE_SIZE", 1)
    for i in range(2):
        save_conversation(url, f"lost-{i}", [user("the thing", "inform", 0.9),
                                             BotUttered("Sorry, I lost track.", metadata={
                                                 "utter_action": "utter_core_fallback"})],
                          started=time.time() - 3600 + i)
    save_conversation(url, "fallback", [user("qwerty uiop", "nlu_fallback", 0.2)])
    page = lead_client.get(reverse("review")).content.decode()
    assert "Core fallbacks <small>2</small>" in page and "Sorry, I lost track." in page
    assert "core-fallback-page=2" in page and "Stopped after a misunderstanding" in page
    assert '<option value="" selected>— pick one —</option>' in page
    assert '<option value="affirm" >' in page or '<option value="affirm">' in page
    refused = lead_client.post(reverse("label"), {"text": "qwerty uiop", "intent": "", "language": "en"},
                               follow=True).content.decode()
    assert "Choose one of the assistant&#x27;s intents" in refused


def test_numbers_come_from_the_daily_aggregates(stores, agent_client):
    url, _ = stores
    many(url, 30, start=time.time() - 3 * 86400)
    figures = records.numbers(days=30)
    assert figures["conversations"] == 30 and sum(figures["per_day"]["en"]) == 30
    assert figures["outcomes"]["en"]["abandoned"] == 30
    page = agent_client.get(reverse("numbers")).content.decode()
    assert "30 conversations" in page


@pytest.mark.parametrize("name", ["conversations", "review", "numbers", "queue"])
def test_pages_before_the_first_conversation(stores, lead_client, name):
    assert lead_client.get(reverse(name)).status_code == 200
