"""Erasure and the retention purge on SQLite and PostgreSQL: after erasing,
no table (reporting and search index included) holds the conversation id,
the ticket reference or the borrower's words; the tombstone and the audit
trail keep the act without them. The purge, with a fixed clock, keeps held
and open-ticket conversations and removes the rest, in batches."""
import json
import time

import pytest
import sqlalchemy as sa

from borrower_help import audit, retention
from borrower_help.reporting import catch_up, queries
from borrower_help.storage import erasure
from borrower_help.storage.schema import audit_log, erasures, report_conversations
from borrower_help.storage.tickets import TicketStore
from tests.reporting.conftest import bot, save_masked, user
from tests.traces import traces

SECRET_WORDS = "zqxjv plover quagmire 4417"
SECRET_ZH = "鹦鹉螺号借呗"
DAY = 86_400.0


def conversation(text=SECRET_WORDS, zh=SECRET_ZH):
    return [user(text, "request_human"), bot("I'll pass you to a colleague.", "utter_handoff"),
            user(zh, "nlu_fallback", 0.3), bot("Sorry?", "utter_ask_rephrase")]


@pytest.fixture
def two_conversations(any_database):
    """The borrower to erase (with a ticket and a rating), and someone else."""
    url = any_database
    store = TicketStore(url)
    save_masked(url, "w-erase-me", conversation(), started=time.time() - 60)
    save_masked(url, "w-keep-me", conversation("hello there friend", "你好"), started=time.time() - 50)
    ticket = store.create("w-erase-me", "request_human", "normal", "en", None, {}, f"Borrower wrote: {SECRET_WORDS}")
    store.create("w-keep-me", "request_human", "normal", "en", None, {}, "Other borrower")
    from borrower_help.storage.ratings import RatingStore

    RatingStore(url).add("w-erase-me", 5, "bot", "en")
    RatingStore(url).add_comment("w-erase-me", f"great {SECRET_WORDS}")
    catch_up(url)
    audit.record("lan", "view_conversation", "conversation", "w-erase-me", url=url)
    audit.record("lan", "view_ticket", "ticket", ticket["reference"], url=url)
    return url, ticket["reference"]


def test_erasure_by_ticket_reference_leaves_no_trace(two_conversations):
    url, reference = two_conversations
    needles = ["w-erase-me", reference, SECRET_WORDS, SECRET_ZH]
    assert set(traces(url, needles)) == set(needles)  # the scan does see them before

    result = erasure.erase(reference, "lan", "console", url=url)

    assert traces(url, needles) == {}
    assert result.removed["events"] == 4 and result.removed["tickets"] == 1 and result.removed["ratings"] == 1
    assert result.removed["report_conversations"] == 1 and result.removed["report_messages"] >= 1
    # The other borrower is untouched, and still found by search.
    assert queries.count_conversations(queries.Filters(text="hello there"), url=url) == 1
    assert queries.count_conversations(queries.Filters(text="quagmire"), url=url) == 0
    assert queries.count_conversations(queries.Filters(text="鹦鹉螺"), url=url) == 0
    with sa.create_engine(url).connect() as connection:
        tombstone = connection.execute(sa.select(erasures)).mappings().one()
        trail = connection.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings().all()
    assert tombstone["actor"] == "lan" and tombstone["via"] == "console"
    assert json.loads(tombstone["conversations"]) == [erasure.digest("w-erase-me")]
    assert json.loads(tombstone["tickets"]) == [erasure.digest(reference)]
    # The trail keeps every act, with digests instead of the ids.
    assert [(r["action"], r["object_id"]) for r in trail] == [
        ("view_conversation", erasure.digest("w-erase-me")), ("view_ticket", erasure.digest(reference)),
        ("erase", erasure.digest("w-erase-me"))]
    # A lead can still ask the trail about the id they were given.
    assert [r["action"] for r in audit.page(audit.Filters(object_id="w-erase-me"), url=url)] == [
        "erase", "view_conversation"]


def test_erasure_by_conversation_id_and_unknown_ids(two_conversations):
    url, _ = two_conversations
    with pytest.raises(erasure.NotFound):
        erasure.erase("w-nobody", "lan", "api", url=url)
    with pytest.raises(erasure.NotFound):
        erasure.erase("BH-ZZZZZZ", "lan", "api", url=url)
    with pytest.raises(erasure.NotFound):
        erasure.erase("", "lan", "api", url=url)
    result = erasure.erase("w-erase-me", "lan", "api", url=url)
    assert result.tickets and result.removed["events"] == 4
    with pytest.raises(erasure.NotFound):  # twice: nothing left to find
        erasure.erase("w-erase-me", "lan", "api", url=url)


def test_a_held_conversation_is_not_erased_until_released(two_conversations):
    url, reference = two_conversations
    assert erasure.set_hold("w-erase-me", "lan", "court order 2026-17, call 13812345678", url=url)
    assert not erasure.set_hold("w-erase-me", "lan", "again", url=url)
    with pytest.raises(erasure.OnHold):
        erasure.erase(reference, "lan", "console", url=url)
    assert traces(url, [SECRET_WORDS])  # still there
    hold = erasure.hold_of("w-erase-me", url=url)
    assert "13812345678" not in hold["reason"] and "138****5678" in hold["reason"]
    assert erasure.release_hold("w-erase-me", "lan", url=url)
    erasure.erase(reference, "lan", "console", url=url)
    assert traces(url, [SECRET_WORDS, "w-erase-me"]) == {}


def test_the_assistant_is_told_first_and_a_refusal_erases_nothing(two_conversations):
    url, reference = two_conversations
    told = []

    def refuses(conversation_id):
        told.append(conversation_id)
        raise erasure.ErasureError("the assistant answered 500")

    with pytest.raises(erasure.ErasureError):
        erasure.erase(reference, "lan", "console", forget=refuses, url=url)
    assert told == ["w-erase-me"] and traces(url, [SECRET_WORDS])
    result = erasure.erase(reference, "lan", "console", forget=lambda c: "assistant forgot it", url=url)
    assert result.assistant == "assistant forgot it"


def test_the_purge_keeps_held_and_open_ticket_conversations_and_removes_the_rest_in_batches(any_database):
    url = any_database
    now = 2_000_000_000.0
    old, recent = now - 200 * DAY, now - 10 * DAY
    for number in range(7):
        save_masked(url, f"w-old-{number}", [user(f"old message {number} {SECRET_WORDS}", "greet")],
                    started=old + number)
    save_masked(url, "w-recent", [user("recent message", "greet")], started=recent)
    first, back = user("first visit", "greet"), user("came back", "greet")
    first.timestamp, back.timestamp = old, recent
    save_masked(url, "w-old-but-back", [first, back])
    store = TicketStore(url)
    store.create("w-old-0", "request_human", "normal", "en", None, {}, "still waiting")
    resolved = store.create("w-old-1", "request_human", "normal", "en", None, {}, "done")
    store.resolve(resolved["reference"])
    erasure.set_hold("w-old-2", "lan", "legal hold", url=url)
    catch_up(url)

    dry = retention.purge(now=now, days=180, batch=2, dry_run=True, url=url)
    assert dry.conversations == 5 and dry.rows == {}
    with sa.create_engine(url).connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(report_conversations)).scalar() == 9

    done = retention.purge(now=now, days=180, batch=2, url=url)
    assert done.conversations == 5  # w-old-1 (resolved ticket), w-old-3 .. w-old-6
    assert done.batches == 4 and done.rows["tickets"] == 1  # [0 1] [2 3] [4 5] [6]: 2 at most each
    with sa.create_engine(url).connect() as connection:
        left = set(connection.execute(sa.select(report_conversations.c.conversation_id)).scalars())
        purges = connection.execute(sa.select(audit_log.c.detail).where(audit_log.c.action == "purge")).scalars()
        assert all("older than 180 days" in detail for detail in purges)
    assert left == {"w-old-0", "w-old-2", "w-recent", "w-old-but-back"}
    assert set(traces(url, ["w-old-1", "w-old-3", "w-old-6", "old message 5"])) == set()
    assert "purge removed 5 conversation(s) in 4 batch(es)" in done.describe()
    assert retention.purge(now=now, days=180, url=url).conversations == 0  # nothing more


def test_the_purge_never_reads_every_conversation_into_memory(any_database, monkeypatch):
    url = any_database
    now = 2_000_000_000.0
    for number in range(5):
        save_masked(url, f"w-old-{number}", [user("old", "greet")], started=now - 400 * DAY + number)
    catch_up(url)
    seen = []
    real = retention._candidates

    def counted(connection, cutoff, after, limit):
        found = real(connection, cutoff, after, limit)
        seen.append(len(found))
        return found

    monkeypatch.setattr(retention, "_candidates", counted)
    assert retention.purge(now=now, days=180, batch=2, url=url).conversations == 5
    assert max(seen) <= 2


def test_the_scheduled_purge_logs_counts_only_and_the_command_line_works(database, monkeypatch, caplog, capsys):
    url = database
    old = time.time() - 400 * DAY
    save_masked(url, "w-ancient", [user(f"ancient {SECRET_WORDS}", "greet")], started=old)
    save_masked(url, "w-today", [user("today", "greet")], started=time.time())
    reference = TicketStore(url).create("w-today", "request_human", "normal", "en", None, {}, "x")["reference"]
    catch_up(url)
    assert retention.main(["purge", "--dry-run"]) == 0
    assert "would remove 1 conversation(s)" in capsys.readouterr().out
    with caplog.at_level("INFO", logger="borrower_help.retention"):
        retention.run_scheduled()
    assert "Retention purge removed 1 conversation(s) in 1 batch(es): events 1" in caplog.text
    assert "w-ancient" not in caplog.text and "ancient" not in caplog.text.replace("w-ancient", "")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # no assistant running: nothing to forget
    assert retention.main(["hold", "w-today", "--by", "lan", "--reason", "order 9"]) == 0
    assert retention.main(["erase", reference, "--by", "lan"]) == 1
    assert "legal hold" in capsys.readouterr().err
    assert retention.main(["release", "w-today", "--by", "lan"]) == 0
    assert retention.main(["erase", reference, "--by", "lan"]) == 0
    assert "assistant not running" in capsys.readouterr().out
    assert traces(url, ["w-today", reference]) == {}
    assert retention.main(["erase", "BH-NOPE00"]) == 1
