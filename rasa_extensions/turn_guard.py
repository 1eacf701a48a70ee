"""Every borrower message gets an answer, and every turn ends listening.

Installed by patches.py around Rasa's prediction loop (MessageProcessor.
_run_prediction_loop), the one place every message of every channel passes:
- while a person has the conversation (paused), Rasa stays silent; here the
  borrower is told their message was passed to the agent
  (utter_passed_to_agent), so the chat never looks dead;
- a turn in which the policies produced no reply at all gets the bot's
  "not sure" answer (utter_default) and a warning in the log: a dead end
  the console's bot-failures page shows, never silence;
- a turn cut short by Rasa's circuit breaker (too many actions in a row)
  is ended with action_listen, so the next message starts a fresh turn
  instead of tripping the breaker again.
The dialogue itself (rules, forms, actions) is meant never to need this;
the guard is the floor under it.
"""
import logging
from typing import Awaitable, Callable

from rasa.core.actions.action import ActionBotResponse
from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

PASSED_TO_AGENT = "utter_passed_to_agent"
NO_ANSWER = "utter_default"
GUARD = "turn_guard"

Loop = Callable[..., Awaitable[None]]


def _this_turn(tracker: DialogueStateTracker):
    """Events after the latest user message."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index + 1:]
    return []


def guarded(run_prediction_loop: Loop) -> Loop:
    async def run(processor, output_channel: OutputChannel, tracker: DialogueStateTracker) -> None:
        await run_prediction_loop(processor, output_channel, tracker)
        if not isinstance(tracker.latest_message, UserUttered) or tracker.latest_message.text is None:
            return
        turn = _this_turn(tracker)
        answered = any(isinstance(e, BotUttered) for e in turn)
        if tracker.is_paused():
            if not answered:
                await _say(processor, PASSED_TO_AGENT, tracker, output_channel)
            return
        if not answered:
            logger.warning("No reply was predicted for %s; answered %s", tracker.sender_id, NO_ANSWER)
            await _say(processor, NO_ANSWER, tracker, output_channel)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            logger.warning("The turn of %s did not end listening; ended it", tracker.sender_id)
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME, policy=GUARD))

    return run


async def _say(processor, response: str, tracker: DialogueStateTracker, output_channel: OutputChannel) -> None:
    prediction = PolicyPrediction.for_action_name(processor.domain, response, GUARD)
    await processor._run_action(ActionBotResponse(response), tracker, output_channel, processor.nlg, prediction)
    if not tracker.is_paused():
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME, policy=GUARD))
