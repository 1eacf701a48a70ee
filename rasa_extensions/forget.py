"""`DELETE /conversations/<conversation_id>/tracker` on Rasa's HTTP API:
forget a conversation that is being erased (borrower_help/forget.py calls
it, borrower_help/storage/erasure.py then deletes everything else).

Under the conversation's lock (the lock store of endpoints.yml: in memory,
or Redis shared by every server), so a turn in progress ends before, and no
turn runs while, the events are deleted: the old tracker cannot be written
back. The lock's queue is dropped by the lock store when it is released
(nobody waiting). Same authentication as the rest of the HTTP API (bearer
token). Installed by patches.py on the app Rasa creates.
"""
import asyncio
import logging
import time
from typing import Any, Callable, Optional, Text

import sqlalchemy as sa
from rasa import server as rasa_server
from rasa.core.lock_store import LockStore
from sanic import Sanic, response
from sanic.request import Request

from borrower_help import storage
from borrower_help.storage.schema import events

logger = logging.getLogger(__name__)


def _delete_events(conversation_id: Text, before: float) -> int:
    with storage.engine().begin() as connection:
        return connection.execute(events.delete().where(
            events.c.sender_id == conversation_id,
            sa.or_(events.c.timestamp <= before, events.c.timestamp.is_(None)))).rowcount


def _drop_kept_tracker(tracker_store: Any, conversation_id: Text) -> None:
    """The copy this server keeps in memory for the next turn goes too
    (rasa_extensions/stores/recent_trackers.py)."""
    store = getattr(tracker_store, "_tracker_store", tracker_store)  # inside Rasa's wrapper
    recent = getattr(store, "recent", None)
    if recent is not None:
        recent.drop(conversation_id)


async def forget_conversation(lock_store: LockStore, conversation_id: Text, tracker_store: Any = None) -> int:
    """Wait for the conversation's turn in progress, then delete its events
    while no other turn can start; the lock's queue goes with the lock."""
    async with lock_store.lock(conversation_id):
        removed = await asyncio.to_thread(_delete_events, conversation_id, time.time())
        _drop_kept_tracker(tracker_store, conversation_id)
    # No id in the log: the erasure leaves no trace of whose conversation it was.
    logger.info("Forgot a conversation (%d events) for an erasure", removed)
    return removed


def add_route(app: Sanic, auth_token: Optional[Text]) -> None:
    @app.delete("/conversations/<conversation_id:path>/tracker")
    @rasa_server.requires_auth(app, auth_token)
    @rasa_server.ensure_loaded_agent(app)
    async def forget(request: Request, conversation_id: Text) -> Any:
        agent = request.app.ctx.agent
        removed = await forget_conversation(agent.lock_store, conversation_id, agent.tracker_store)
        return response.json({"conversation_id": conversation_id, "events_removed": removed})


def with_forget_route(create_app: Callable[..., Sanic]) -> Callable[..., Sanic]:
    def create(*args: Any, **kwargs: Any) -> Sanic:
        app = create_app(*args, **kwargs)
        add_route(app, kwargs.get("auth_token"))
        return app

    return create
