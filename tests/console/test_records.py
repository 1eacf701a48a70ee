"""The console's read layer on conversations stored by the tracker store."""
from datetime import date, datetime, timezone

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, SlotSet

from support_console import records
from tests.console.conftest import save_conversation, user

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def three_conversations(stores):
    return store_three(stores[0])


def store_three(url):
    save_conversation(url, "solved-zh", [
        user("身份证过期了开不了借呗", "report_id_expired"), SlotSet("language", "zh"),
        BotUttered("您已经拿到新身份证了吗？"), user("拿到了", "affirm"),
        ActionExecuted("action_close_solved"), BotUttered("太好了")], started=DAY)
    save_conversation(url, "handed-en", [
        user("asdfgh qwerty", "nlu_fallback", 0.31), user("asdfgh qwerty", "nlu_fallback", 0.28),
        ActionExecuted("action_handoff"), BotUttered("Ticket reference: BH-ABCDEF"),
        ConversationPaused(), BotUttered("Hi, Mei here", metadata={"source": "agent", "agent": "Mei"})],
        started=DAY + 86400)
    save_conversation(url, "abandoned-en", [
        user("my phone 13812345678 changed", "report_phone_changed", 0.55),
        BotUttered("Is a repayment due soon?")], started=DAY + 2 * 86400)
    return url


def test_outcome_language_and_turns(three_conversations):
    found = {c.id: c for c in records.load_conversations()}
    assert found["solved-zh"].outcome == records.SOLVED_BY_BOT and found["solved-zh"].language == "zh"
    assert found["handed-en"].outcome == records.HANDED_OFF and found["handed-en"].language == "en"
    assert found["abandoned-en"].outcome == records.ABANDONED
    agent = [t for t in found["handed-en"].turns if t.kind == "agent"]
    assert agent[0].agent == "Mei" and agent[0].text == "Hi, Mei here"
    # What the console reads was masked by the store.
    assert found["abandoned-en"].first_message == "my phone 138****5678 changed"


@pytest.mark.parametrize("filters, expected", [
    (records.Filters(text="借呗"), {"solved-zh"}),
    (records.Filters(text="MEI HERE"), {"handed-en"}),
    (records.Filters(intent="report_phone_changed"), {"abandoned-en"}),
    (records.Filters(outcome=records.HANDED_OFF), {"handed-en"}),
    (records.Filters(language="en"), {"handed-en", "abandoned-en"}),
    (records.Filters(since=date(2026, 11, 21), until=date(2026, 11, 21)), {"handed-en"}),
    (records.Filters(since=date(2026, 11, 23)), set()),
])
def test_filters(three_conversations, filters, expected):
    assert {c.id for c in filters.apply()} == expected


def test_failures_are_grouped_and_low_confidence_counts(three_conversations):
    found = records.failures()
    assert [(f.text, f.count) for f in found] == [("asdfgh qwerty", 2), ("my phone 138****5678 changed", 1)]
    assert found[0].conversations == ["handed-en"]


def test_numbers_per_language(three_conversations, monkeypatch):
    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 25, tzinfo=timezone.utc)

    monkeypatch.setattr(records, "datetime", Later)
    figures = records.numbers(days=30)
    assert figures["conversations"] == 3
    assert figures["days"] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert figures["per_day"]["en"] == [0, 1, 1] and figures["per_day"]["zh"] == [1, 0, 0]
    assert figures["solved_share"] == {"en": 0.0, "zh": 1.0}
    assert figures["fallback_rate"]["en"] == round(2 / 3, 3)


def test_an_empty_database_is_not_an_error(stores):
    assert records.load_conversations() == [] and records.failures() == []


def test_the_same_on_postgresql(postgres_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store_three(postgres_url)
    found = {c.id: c.outcome for c in records.load_conversations()}
    assert found == {"solved-zh": records.SOLVED_BY_BOT, "handed-en": records.HANDED_OFF,
                     "abandoned-en": records.ABANDONED}
    assert {c.id for c in records.Filters(text="借呗").apply()} == {"solved-zh"}
