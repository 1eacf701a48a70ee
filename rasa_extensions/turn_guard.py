"""Around every turn of Rasa's prediction loop (installed by patches.py on
MessageProcessor._run_prediction_loop, the one place every message of every
channel passes), in the Rasa server's own process:

before the policies act
- a secret typed (the MessageInspector's `sensitive_data_type` entity) is
  warned about at once, in the borrower's language;
after they acted
- while a person has the conversation (paused), Rasa stays silent; here the
  borrower is told their message was passed to the agent
  (utter_passed_to_agent), so the chat never looks dead;
- signs of frustration (the `frustration` entity) may bring the offer of a
  person, by the one rule of borrower_help/offers.py;
- a turn in which the policies produced no reply at all gets the bot's "not
  sure" answer (utter_default) and a warning in the log: a dead end the
  console's bot-failures page shows, never silence;
- a turn cut short by Rasa's circuit breaker (too many actions in a row) is
  ended with action_listen, so the next message starts a fresh turn instead
  of tripping the breaker again.

Messages sent here are BotUttered events without an ActionExecuted: the
policies' view of the dialogue (previous action, slots) is not changed, so
rules and stories still match.
"""
import logging
from typing import Awaitable, Callable, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from borrower_help import offers

logger = logging.getLogger(__name__)

PASSED_TO_AGENT = "utter_passed_to_agent"
NO_ANSWER = "utter_default"
WARN_SECRET = "utter_warn_sensitive_data"
OFFER_FRUSTRATED = "utter_offer_human_frustrated"
GUARD = "turn_guard"

Loop = Callable[..., Awaitable[None]]


def _entity(tracker: DialogueStateTracker, name: Text) -> Optional[Text]:
    for entity in (tracker.latest_message.entities if tracker.latest_message else []) or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def turns_of_responses(events: List[Event]) -> List[List[Text]]:
    """The bot's responses, grouped by the user turn they answered."""
    turns: List[List[Text]] = [[]]
    for event in events:
        if isinstance(event, UserUttered):
            turns.append([])
        elif isinstance(event, BotUttered):
            turns[-1].append((event.metadata or {}).get("utter_action") or "")
    return turns


def guarded(run_prediction_loop: Loop) -> Loop:
    async def run(processor, output_channel: OutputChannel, tracker: DialogueStateTracker) -> None:
        message = tracker.latest_message
        if not isinstance(message, UserUttered) or message.text is None:
            await run_prediction_loop(processor, output_channel, tracker)
            return
        if _entity(tracker, "sensitive_data_type"):
            await say(processor, WARN_SECRET, tracker, output_channel)
        await run_prediction_loop(processor, output_channel, tracker)

        turns = turns_of_responses(list(tracker.events))
        this_turn = turns[-1]
        answered = any(r not in ("", WARN_SECRET) for r in this_turn) or \
            any(isinstance(e, BotUttered) and not (e.metadata or {}).get("utter_action")
                for e in _since_last_user(tracker))
        if tracker.is_paused():
            if not answered:
                await say(processor, PASSED_TO_AGENT, tracker, output_channel)
            return
        signs = (_entity(tracker, "frustration") or "").split(",")
        if offers.should_offer([s for s in signs if s], this_turn, turns[:-1], paused=False):
            await say(processor, OFFER_FRUSTRATED, tracker, output_channel)
            answered = True
        if not answered:
            logger.warning("No reply was predicted for %s; answered %s", tracker.sender_id, NO_ANSWER)
            await say(processor, NO_ANSWER, tracker, output_channel)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            logger.warning("The turn of %s did not end listening; ended it", tracker.sender_id)
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME, policy=GUARD))

    return run


def _since_last_user(tracker: DialogueStateTracker) -> List[Event]:
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index + 1:]
    return []


async def say(processor, response: Text, tracker: DialogueStateTracker, output_channel: OutputChannel) -> None:
    """Send a response without counting as an action of the dialogue."""
    generated = await processor.nlg.generate(response, tracker, output_channel.name())
    if not generated:
        logger.error("No response %s in the domain", response)
        return
    text = generated.pop("text", None)
    bot = BotUttered(text, data=generated, metadata={"utter_action": response})
    tracker.update(bot)
    await output_channel.send_response(tracker.sender_id, bot.message())
