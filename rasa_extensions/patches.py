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
   "not sure" answer, a turn cut by the circuit breaker is ended; secrets
   are warned about and frustration may bring the offer of a person.
4. The lender's settings fill the {lender_*} placeholders of every response
   when it is rendered (lender_nlg.py), instead of living in slots copied
   into every conversation.
5. A button payload ("/greet", "/affirm") keeps what the MessageInspector
   read from it (the page's language, the answer): Rasa's
   RegexMessageHandler, the graph's last NLU step, replaces every entity of a
   payload message with the payload's own.
6. The HTTP API can forget a conversation that is being erased
   (forget.py: `DELETE /conversations/<id>/tracker`, under the
   conversation's lock), added to the app Rasa creates.
7. The bot's first message in a conversation says how long it is kept and
   where the privacy notice is (lender_nlg.py, with the lender's settings).
8. Stored events find their class by name in a dictionary
   (event_types.py) instead of a walk over every Event subclass per event.
"""
import logging

import rasa
import rasa.core.agent
import rasa.server
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import ENTITIES

from rasa_extensions import event_types
from rasa_extensions.action_validation import validate_action_result
from rasa_extensions.forget import with_forget_route
from rasa_extensions.lender_nlg import with_lender_settings
from rasa_extensions.stores.durable_tracker_store import StrictTrackerStore
from rasa_extensions.turn_guard import guarded

logger = logging.getLogger(__name__)
WRITTEN_FOR = "3.6.21"
_wrapped = False  # the wrappers below are installed once


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
    Event.resolve_by_type = staticmethod(event_types.resolve_by_type)
    global _wrapped
    if not _wrapped:
        MessageProcessor._run_prediction_loop = guarded(MessageProcessor._run_prediction_loop)
        TemplatedNaturalLanguageGenerator.generate = with_lender_settings(TemplatedNaturalLanguageGenerator.generate)
        RegexMessageHandler.process = keeping_inspection(RegexMessageHandler.process)
        rasa.server.create_app = with_forget_route(rasa.server.create_app)
        _wrapped = True
    logger.debug("Rasa patches installed: action-response validation, strict tracker store, turn guard, "
                 "lender settings in responses, forgetting erased conversations, event classes by name")


def keeping_inspection(process):
    def run(handler, messages, domain=None):
        read = [[e for e in (m.get(ENTITIES) or []) if e.get("extractor") == "MessageInspector"] for m in messages]
        handled = process(handler, messages, domain)
        for message, inspected in zip(handled, read):
            own = message.get(ENTITIES) or []
            names = {e.get("entity") for e in own}
            message.set(ENTITIES, own + [e for e in inspected if e.get("entity") not in names], add_to_output=True)
        return handled

    return run
