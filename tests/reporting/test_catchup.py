"""The catch-up keeps the reporting tables equal to what a rebuild makes,
whoever wrote the events and whenever it is stopped."""
import time
from datetime import datetime, timezone

import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, SlotSet

from borrower_help import storage
from borrower_help.reporting import catchup, model
from borrower_help.storage.ratings import RatingStore
from borrower_help.storage.schema import events, report_conversations
from borrower_help.storage.tickets import TicketStore
from tests.reporting.conftest import bot, report, save_masked, save_stock, user

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc).timestamp()


def conversations(url, save=save_masked, start=DAY):
    save(url, "solved-zh", [
        user("身份证过期了开不了借呗", "report_id_expired"), SlotSet("language", "zh"),
        bot("您已经拿到新身份证了吗？", "utter_ask_has_new_id"), user("拿到了", "affirm"),
        ActionExecuted("action_close_solved"), bot("太好了")], started=start)
    save(url, "handed-en", [
        user("asdfgh qwerty", "nlu_fallback", 0.31), bot("Did you mean ...?", "utter_did_you_mean"),
        user("asdfgh  QWERTY", "nlu_fallback", 0.28),
        ActionExecuted("action_handoff"),
        bot("Ticket reference: BH-ABCDEF", custom={"data": {"handoff": {"ticket_id": "BH-ABCDEF"}}}),
        ConversationPaused(), BotUttered("Hi, Mei here", metadata={"source": "agent", "agent": "Mei"})],
        started=start + 86400)
    save(url, "abandoned-en", [
        user("my phone 13812345678 changed", "report_phone_changed", 0.55),
        bot("Is a repayment due soon?", "utter_ask_repayment_due")], started=start + 2 * 86400)


def test_conversations_outcomes_and_messages(database):
    conversations(database)
    assert catchup.catch_up(database) > 0
    with storage.engine(database).connect() as connection:
        rows = {r["conversation_id"]: r for r in connection.execute(sa.select(report_conversations)).mappings()}
    assert {c: r["outcome"] for c, r in rows.items()} == {
        "solved-zh": model.SOLVED_BY_BOT, "handed-en": model.HANDED_OFF, "abandoned-en": model.ABANDONED}
    assert rows["solved-zh"]["language"] == "zh" and rows["handed-en"]["language"] == "en"
    assert rows["handed-en"]["ticket"] == "BH-ABCDEF" and rows["handed-en"]["fallbacks"] == 2
    assert rows["abandoned-en"]["low_confidence"] == 1 and rows["abandoned-en"]["channel"] == "rest"
    assert rows["abandoned-en"]["first_message"] == "my phone 138****5678 changed"  # masked when stored
    assert rows["solved-zh"]["intents"] == "affirm,report_id_expired"
    assert rows["handed-en"]["started"] == DAY + 86400
    tables = report(database)
    # One failure group for the two spellings of the same message.
    assert [(r[1], r[2]) for r in tables["report_failure_groups"]] in (
        [("asdfgh  QWERTY", 2), ("my phone 138****5678 changed", 1)],
        [("my phone 138****5678 changed", 1), ("asdfgh  QWERTY", 2)])
    assert {r[4] for r in tables["report_messages"]} >= {"身份证过期了开不了借呗", "Hi, Mei here",
                                                         "my phone *** changed"}
    assert {(r[0], r[1], r[2]) for r in tables["report_daily"]} == {
        ("2026-11-20", "zh", 1), ("2026-11-21", "en", 1), ("2026-11-22", "en", 1)}


def test_later_events_restarts_and_rebuild_agree(any_database):
    url = any_database
    conversations(url)
    # Stopped after each small batch, as if the worker were killed.
    while catchup.catch_up(url, batch=3, max_batches=1) == 3:
        pass
    # More turns of existing conversations, tickets and ratings, and a new one.
    save_masked(url, "abandoned-en", [
        user("my phone 13812345678 changed", "report_phone_changed", 0.55),
        bot("Is a repayment due soon?", "utter_ask_repayment_due"),
        user("yes tomorrow", "affirm"), ActionExecuted("action_close_solved"), bot("Glad it's sorted")],
        started=DAY + 2 * 86400)
    TicketStore(url).create("solved-zh", "request_human", "normal", "zh", "id_expired", {}, "Handoff")
    RatingStore(url).add("abandoned-en", 5, "bot", "en")
    save_stock(url, "stock-en", [user("hello there", "greet"), bot("Hi!", "utter_greet")], started=DAY + 3 * 86400)
    catchup.catch_up(url, batch=4)
    incremental = report(url)
    assert catchup.rebuild(url) > 0
    assert report(url) == incremental
    rows = {r[0]: r for r in incremental["report_conversations"]}
    assert rows["solved-zh"][5] == model.HANDED_OFF  # a ticket came later
    assert rows["abandoned-en"][5] == model.SOLVED_BY_BOT and rows["abandoned-en"][14] == 5
    assert rows["stock-en"][2] == "en" and rows["stock-en"][12] == "hello there"
    # The daily figures moved with the outcomes.
    daily = {(r[0], r[1]): r[2:] for r in incremental["report_daily"]}
    assert daily[("2026-11-20", "zh")][:4] == (1, 0, 1, 0)
    assert daily[("2026-11-22", "en")][:4] == (1, 1, 0, 0)


def test_events_written_by_the_stock_store_count_the_same(database, tmp_path, monkeypatch):
    conversations(database, save=save_stock)
    catchup.catch_up(database)
    stock = report(database)
    other = storage.engine(f"sqlite:///{tmp_path}/other.db")
    from borrower_help.storage.migrate import upgrade

    upgrade(f"sqlite:///{tmp_path}/other.db")
    conversations(f"sqlite:///{tmp_path}/other.db", save=save_masked)
    catchup.catch_up(f"sqlite:///{tmp_path}/other.db")
    ours = report(f"sqlite:///{tmp_path}/other.db")
    other.dispose()
    # Our store masks numbers; Rasa's does not (the rows differ only there).
    def without_numbers(rows):
        return [r for r in rows if "138" not in str(r) and "abandoned-en" not in str(r)]

    for name in ours:
        assert without_numbers(ours[name]) == without_numbers(stock[name]), name
    assert len(ours["report_conversations"]) == len(stock["report_conversations"]) == 3


def test_an_id_that_commits_late_is_not_lost(any_database):
    """PostgreSQL hands out ids at insert: a transaction holding id 2 may
    commit after the one holding id 3 was read."""
    url = any_database
    now = time.time()
    save_masked(url, "early", [user("first words", "greet")], started=now)
    with storage.engine(url).begin() as connection:
        connection.execute(events.insert().values(
            id=10, sender_id="late", type_name="user", timestamp=now,
            data='{"event": "user", "text": "I came later", "parse_data": {"intent": {"name": "greet", '
                 '"confidence": 0.9}}}'))
    catchup.catch_up(url)
    with storage.engine(url).begin() as connection:  # id 5 commits now, below what was read
        connection.execute(events.insert().values(
            id=5, sender_id="late", type_name="user", timestamp=now + 1,
            data='{"event": "user", "text": "我先到的", "parse_data": {"intent": {"name": "greet", '
                 '"confidence": 0.9}}}'))
    catchup.catch_up(url)
    texts = {r[4] for r in report(url)["report_messages"]}
    assert {"first words", "I came later", "我先到的"} <= texts
    # Gaps nobody fills are forgotten after a while.
    catchup.catch_up(url, clock=lambda: now + catchup.GAP_PATIENCE + 10)
    with storage.engine(url).connect() as connection:
        assert connection.execute(sa.text("SELECT gaps FROM report_state WHERE source = 'events'")).scalar() == "[]"


def test_nothing_to_read_is_not_an_error(database):
    assert catchup.catch_up(database) == 0
    assert catchup.lag(database)["behind"] == 0
