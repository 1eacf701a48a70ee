"""The changes this project makes to Rasa's own behaviour, all here,
installed explicitly by `install()` (server.py calls it before Rasa starts)
and only on the Rasa version they were written for: a different version
stops the server with a message instead of patching code that may have
changed underneath.

1. Action responses validated with one compiled validator
   (action_validation.py): Rasa re-checks its own response schema against
   the JSON Schema meta-schema on every action call (19 ms of CPU each).
2. No silent in-memory fallback of the tracker store
   (stores/durable_tracker_store.py): Rasa's FailSafeTrackerStore answers
   from an empty conversation when the database fails and keeps the result
   in one server's memory; here the error reaches the channel, which answers
   503 "not processed" instead of a reply that was never stored.
3. Every message gets an answer and every turn ends listening
   (turn_guard.py), around Rasa's prediction loop: a paused conversation
   says the message was passed to the agent, a turn without a reply gets the
   "not sure" answer, a turn cut by the circuit breaker is ended.
"""
import logging

import rasa
import rasa.core.agent
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor

from rasa_extensions.action_validation import validate_action_result
from rasa_extensions.stores.durable_tracker_store import StrictTrackerStore
from rasa_extensions.turn_guard import guarded

logger = logging.getLogger(__name__)
WRITTEN_FOR = "3.6.21"
_guard_installed = False


class WrongRasaVersion(RuntimeError):
    pass


def install(version: str = rasa.__version__) -> None:
    if version != WRITTEN_FOR:
        raise WrongRasaVersion(
            f"rasa_extensions/patches.py was written for Rasa {WRITTEN_FOR}, this is {version}: "
            f"check each patch against the new version before starting (see the module's docstring).")
    RemoteAction._validate_action_result = validate_action_result
    # Agent._create_tracker_store wraps the store in the class it finds here.
    rasa.core.agent.FailSafeTrackerStore = StrictTrackerStore
    global _guard_installed
    if not _guard_installed:
        MessageProcessor._run_prediction_loop = guarded(MessageProcessor._run_prediction_loop)
        _guard_installed = True
    logger.debug("Rasa patches installed: action-response validation, strict tracker store, turn guard")
