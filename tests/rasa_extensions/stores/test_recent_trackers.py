"""A conversation's next turn gets the tracker this server saved, unless the
database changed it since (another server, an erasure); whatever is handed
out, the database ends with every event exactly once."""
import json

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore
from rasa_extensions.stores.recent_trackers import RecentTrackers

DOMAIN = Domain.from_yaml('version: "3.1"')


def store_at(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 't.db'}")
    return MaskedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db="ignored.db")


def said(text, timestamp=None):
    return UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=timestamp)


def stored_texts(tmp_path, sender):
    rows = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}").connect().execute(
        sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
        {"s": sender}).scalars()
    return [json.loads(row)["text"] for row in rows]


async def test_the_next_turn_gets_the_saved_tracker_and_saves_only_new_events(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    await store.save(DialogueStateTracker.from_events("b-1", [ActionExecuted("action_listen"), said("one")]))
    first = await store.retrieve("b-1")
    first.update(said("two 13812345678"))
    await store.save(first)

    second = await store.retrieve("b-1")
    assert second is first  # no SQL read, no replay
    second.update(said("three"))
    await store.save(second)
    assert stored_texts(tmp_path, "b-1") == ["one", "two 138****5678", "three"]


async def test_a_conversation_changed_by_someone_else_is_read_again(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    other_server = MaskedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db="ignored.db")
    await store.save(DialogueStateTracker.from_events("b-2", [said("one")]))

    elsewhere = await other_server.retrieve("b-2")
    elsewhere.update(said("two, answered by the other server"))
    await other_server.save(elsewhere)

    here = await store.retrieve("b-2")
    assert [e.text for e in here.events if isinstance(e, UserUttered)] == ["one", "two, answered by the other server"]
    here.update(said("three"))
    await store.save(here)
    assert stored_texts(tmp_path, "b-2") == ["one", "two, answered by the other server", "three"]


async def test_an_erased_conversation_is_not_handed_out_again(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    await store.save(DialogueStateTracker.from_events("b-3", [said("my id is 11010519491231002X")]))
    with sa.create_engine(f"sqlite:///{tmp_path / 't.db'}").begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'b-3'"))
    assert await store.retrieve("b-3") is None


async def test_a_turn_that_failed_before_saving_leaves_nothing_behind(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    await store.save(DialogueStateTracker.from_events("b-4", [said("one")]))
    failed_turn = await store.retrieve("b-4")
    failed_turn.update(said("never saved"))  # the turn raised here

    next_turn = await store.retrieve("b-4")
    assert next_turn is not failed_turn
    assert [e.text for e in next_turn.events if isinstance(e, UserUttered)] == ["one"]


async def test_a_tracker_that_went_on_after_its_save_is_not_handed_out(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("b-5", [said("one")])
    await store.save(tracker)  # as Rasa's create_tracker does, before the turn goes on
    tracker.update(said("unsaved"))
    again = await store.retrieve("b-5")
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["one"]


async def test_a_new_session_begun_in_this_process_is_read_from_sql(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("b-6", [SessionStarted(timestamp=1.0), said("old session", 1.5)])
    await store.save(tracker)
    tracker = await store.retrieve("b-6")
    tracker.update(SessionStarted(timestamp=2.0))
    tracker.update(said("new session", 2.5))
    await store.save(tracker)
    again = await store.retrieve("b-6")
    assert again is not tracker
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["new session"]
    again.update(said("later", 3.0))
    await store.save(again)
    assert stored_texts(tmp_path, "b-6") == ["old session", "new session", "later"]


def test_the_least_recently_saved_conversations_go_first():
    kept = RecentTrackers(size=2)
    for sender in ("a", "b", "c"):
        kept.keep(DialogueStateTracker.from_events(sender, []), (0, None))
    assert "a" not in kept and "b" in kept and "c" in kept and len(kept) == 2
