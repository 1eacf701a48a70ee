"""A Redis lock store whose ticket changes are atomic across Rasa servers.

Rasa's RedisLockStore (3.6.21) changes a conversation's ticket queue by
read-modify-write: GET the queue, change it in Python, SET it back. Two
servers handling messages of one conversation at the same time can both read
the same queue and both write theirs back, so one loses its ticket (Rasa
issue #9213): both then believe it is their turn, the messages are processed
at the same time, and events interleave or get lost. Deleting the queue when
it looks empty has the same race: a ticket issued in between is deleted, and
its message fails with a LockError.

Here every change of the queue is a Redis transaction (WATCH the key, change,
MULTI/EXEC, retry when another server changed it in between), and an empty
queue is deleted inside the same transaction. Everything else (waiting,
lifetimes, the key format) is Rasa's, so servers using this class and the
stock one read the same keys.
"""
import json
import logging
from typing import Any, Callable, Optional, Text, Tuple

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# Each attempt loses only to another server changing the same conversation's
# queue; a few hundred attempts means something else is wrong.
MAX_ATTEMPTS = 200

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa passes a custom lock store its endpoint config; the stock class
        # takes the same settings as keyword arguments.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        """Apply `change` to the stored queue as one transaction; `change`
        returns the queue to store (None: delete it) and a result."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the queue: read it again
        raise LockError(f"Could not change the lock of conversation '{conversation_id}': "
                        f"{MAX_ATTEMPTS} attempts lost to concurrent changes")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def add_ticket(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, add_ticket)
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, _without_ticket(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket, and the queue with it when nobody else waits,
        in one step: a ticket issued meanwhile by another server is kept."""
        remove = _without_ticket(ticket_number)

        def remove_and_delete_if_empty(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            lock, _ = remove(lock)
            return (lock if lock is not None and lock.is_someone_waiting() else None), None

        self._change(conversation_id, remove_and_delete_if_empty)


def _without_ticket(ticket_number: int) -> Change:
    def remove(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
        if lock is not None:
            lock.remove_ticket_for(ticket_number)
        return lock, None

    return remove
