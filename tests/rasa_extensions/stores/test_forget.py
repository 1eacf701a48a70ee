"""Forgetting a conversation for an erasure (rasa_extensions/forget.py)
waits for the turn in progress, deletes the events while no turn can start,
and leaves no lock behind: in memory and in Redis (the production shape,
shared by every server)."""
import asyncio
import secrets

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore

from borrower_help.storage.schema import events
from rasa_extensions.forget import forget_conversation
from rasa_extensions.stores.lock_store import AtomicRedisLockStore
from tests.rasa_extensions.stores.conftest import redis_settings_or_skip


def redis_store():
    settings = redis_settings_or_skip()
    return AtomicRedisLockStore(**settings, key_prefix="forget" + secrets.token_hex(4))


def stored(url, conversation):
    with sa.create_engine(url).connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(events)
                                  .where(events.c.sender_id == conversation)).scalar()


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_forgetting_waits_for_the_turn_in_progress_and_leaves_no_lock(kind, database):
    store = InMemoryLockStore() if kind == "memory" else redis_store()
    conversation = "w-" + secrets.token_hex(6)
    order = []

    async def turn():
        async with store.lock(conversation):
            order.append("turn starts")
            await asyncio.sleep(0.5)
            with sa.create_engine(database).begin() as connection:  # the turn saves its tracker
                connection.execute(events.insert().values(sender_id=conversation, type_name="user",
                                                          timestamp=1.0, data="{}"))
            order.append("turn saved")

    async def erase():
        await asyncio.sleep(0.1)  # asked while the turn runs
        order.append("forget asked")
        removed = await forget_conversation(store, conversation)
        order.append(f"forgot {removed}")

    async def both():
        await asyncio.gather(turn(), erase())

    asyncio.run(both())
    assert order == ["turn starts", "forget asked", "turn saved", "forgot 1"]
    assert stored(database, conversation) == 0
    assert store.get_lock(conversation) is None


def test_forgetting_drops_the_copy_kept_in_memory_for_the_next_turn(database, monkeypatch):
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore

    monkeypatch.setenv("DATABASE_URL", database)
    tracker_store = MaskedSQLTrackerStore(domain=Domain.empty())
    conversation = "w-" + secrets.token_hex(6)
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events(
        conversation, [UserUttered("my old number 13812345678 is gone")])))
    assert conversation in tracker_store.recent

    asyncio.run(forget_conversation(InMemoryLockStore(), conversation, FailSafeTrackerStore(tracker_store)))
    assert conversation not in tracker_store.recent
    assert stored(database, conversation) == 0
