"""A SQL tracker store that survives a database restart and never pretends.

Rasa 3.6 wraps every tracker store in FailSafeTrackerStore: when the
database fails, `retrieve` returns no tracker (the conversation silently
starts again) and `save` keeps the tracker in the server's memory only. The
borrower gets a reply, but the message is in no shared store: another
server, the console and the transcript never see it. Measured here: 2 of 14
messages answered during a PostgreSQL restart were lost that way.

DurableSQLTrackerStore instead
- uses the project's one database (DATABASE_URL, borrower_help.storage),
  whatever the endpoints file says, with pre-pinged pooled connections;
- retries a failed read or write for a few seconds, enough for a restart;
- and when the database stays away, lets the error reach the channel, which
  answers 503 "not processed, send it again" (channels/rest.py) instead of a
  reply that was never stored. For that Rasa's fail-safe wrapper is replaced
  by StrictTrackerStore (rasa_extensions/patches.py).
"""
import asyncio
import logging
from typing import Any, Awaitable, Callable, Iterable, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from borrower_help import storage

logger = logging.getLogger(__name__)

# About 7.5 s in all: PostgreSQL restarts within that on a healthy machine.
RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0, 4.0)
T = TypeVar("T")


class TrackerStoreUnavailable(Exception):
    """The conversation could not be read or written: nothing was processed."""


def _rasa_settings(url: Text) -> dict:
    """SQLTrackerStore's constructor arguments for a database URL."""
    parsed = sa.engine.make_url(url)
    return {"dialect": parsed.drivername, "host": parsed.host, "port": parsed.port,
            "db": parsed.database, "username": parsed.username, "password": parsed.password,
            "query": dict(parsed.query) or None}


class DurableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, event_broker: Any = None, **_ignored: Any) -> None:
        # The endpoints file names only the class: the database is the one
        # every process of the project uses.
        url = storage.database_url()
        super().__init__(domain=domain, event_broker=event_broker, **_rasa_settings(url))
        self.engine.dispose()
        self.engine: sa.engine.Engine = storage.engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _with_retries(self, what: Text, call: Callable[[], Awaitable[T]]) -> T:
        for delay in (*RETRY_DELAYS_SECONDS, None):
            try:
                return await call()
            except sa.exc.DBAPIError as error:
                if delay is None:
                    raise TrackerStoreUnavailable(f"could not {what}: {type(error.orig).__name__}") from error
                logger.warning("Tracker store: could not %s (%s); retrying in %.1f s",
                               what, type(error.orig).__name__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._with_retries(f"read conversation {sender_id}",
                                        lambda: super(DurableSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._with_retries(
            f"read conversation {sender_id}",
            lambda: super(DurableSQLTrackerStore, self).retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._with_retries(f"save conversation {tracker.sender_id}",
                                 lambda: super(DurableSQLTrackerStore, self).save(tracker))

    async def keys(self) -> Iterable[Text]:
        return await self._with_retries("list conversations", super().keys)


class StrictTrackerStore(FailSafeTrackerStore):
    """Rasa's wrapper without the silent fallback: errors reach the caller."""

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)

    async def keys(self) -> Iterable[Text]:
        return await self._tracker_store.keys()
