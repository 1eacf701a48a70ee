"""The conversations this Rasa server saved last, kept in its memory.

Reading a conversation from SQL loads every event of its session, decodes
each and replays them into a tracker: 3-10 ms of CPU for 3-30 turns, against
about 0.5 ms to hand out a kept one (`make bench-tracker-reuse`). The tracker saved at
the end of a turn is exactly what the next turn would rebuild, unless someone
else changed the conversation since: another Rasa server on the same
database (the production shape), an erasure, the retention job. So a kept
tracker is handed out only while the database holds the same events for the
conversation as when it was saved (their number and highest id: one query
on the indexed sender_id); otherwise the conversation is read from SQL.

Handed out means taken out: a turn that fails before it saves leaves nothing
behind, and a tracker read for the HTTP API is never shared with a turn. A
kept tracker that gained events after its save (the turn went on and failed)
is not handed out. Bounded: the least recently saved go first.

Saving needs to know which events are new. Rasa counts the stored events of
the latest session on every save; here the number of events the tracker had
when it was handed out is remembered instead (no other turn can write them
meanwhile: the lock store holds the conversation).
"""
import collections
import itertools
import weakref
from typing import Any, Dict, Iterator, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.stores.durable_tracker_store import DurableSQLTrackerStore

# Conversations kept per Rasa server: a closed-loop benchmark user or a real
# borrower mid-conversation needs one each; a few hundred KiB each at most.
KEPT_CONVERSATIONS = 500

Stamp = Tuple[int, Optional[int]]  # (events stored for the conversation, highest event id)


class RecentTrackers:
    """A bounded map sender_id -> (tracker, its stamp, its number of events when saved)."""

    def __init__(self, size: int = KEPT_CONVERSATIONS) -> None:
        self.size = size
        self._kept: "collections.OrderedDict[Text, Tuple[DialogueStateTracker, Stamp, int]]" = \
            collections.OrderedDict()

    def keep(self, tracker: DialogueStateTracker, stamp: Stamp) -> None:
        self._kept[tracker.sender_id] = (tracker, stamp, len(tracker.events))
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def take(self, sender_id: Text, stamp_now: Stamp) -> Optional[DialogueStateTracker]:
        """The kept tracker if the database still holds what it was saved as."""
        kept = self._kept.pop(sender_id, None)
        if kept is None:
            return None
        tracker, stamp, events_when_saved = kept
        if stamp != stamp_now or len(tracker.events) != events_when_saved:
            return None
        return tracker

    def drop(self, sender_id: Text) -> None:
        self._kept.pop(sender_id, None)

    def __contains__(self, sender_id: Text) -> bool:
        return sender_id in self._kept

    def __len__(self) -> int:
        return len(self._kept)


def one_session(tracker: DialogueStateTracker) -> bool:
    """A tracker that began a new session in this process also holds the old
    one's events; read from SQL it would not: such a tracker is not kept."""
    return sum(isinstance(event, SessionStarted) for event in tracker.events) <= 1


class CachedSQLTrackerStore(DurableSQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent = RecentTrackers()
        # sender_id -> (the tracker handed out, its number of stored events); a
        # weak reference, so a tracker read and dropped is never mistaken for another
        self._stored: Dict[Text, Tuple["weakref.ref[DialogueStateTracker]", int]] = {}

    def _stamp(self, session: sa.orm.Session, sender_id: Text) -> Stamp:
        count, highest = session.query(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id)) \
            .filter(self.SQLEvent.sender_id == sender_id).one()
        return int(count), highest

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = None
        if sender_id in self.recent:
            tracker = await self._with_retries(f"read conversation {sender_id}",
                                               lambda: self._take_kept(sender_id))
        if tracker is None:
            tracker = await super().retrieve(sender_id)
        if len(self._stored) > 10 * self.recent.size:
            self._stored.clear()  # trackers read and never saved (HTTP API): Rasa's count query instead
        if tracker is None:
            self._stored.pop(sender_id, None)  # a new tracker is counted by Rasa's query
        else:
            self._stored[sender_id] = (weakref.ref(tracker), len(tracker.events))
        return tracker

    async def _take_kept(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            return self.recent.take(sender_id, self._stamp(session, sender_id))

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> Iterator:
        handed_out = self._stored.pop(tracker.sender_id, None)
        if handed_out is None or handed_out[0]() is not tracker:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, handed_out[1], len(tracker.events))

    def remember_saved(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> None:
        """After a save committed: keep the tracker, stamped with what the
        database now holds for it."""
        if one_session(tracker):
            self.recent.keep(tracker, self._stamp(session, tracker.sender_id))
        else:
            self.recent.drop(tracker.sender_id)
