"""Handing a conversation to a human agent (SPEC "Handoff contract").

The bot stores a ticket, tells the user its reference in their language,
sends the `custom.data.handoff` payload for widgets and REST clients, and
pauses the conversation until an agent resolves the ticket.
"""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import suggestions
from actions.flow_state import ALL_FLOW_SLOTS, reset_flow_events
from borrower_help import catalogue, hours, lender
from borrower_help.catalogue import HANDOFF_BY_INTENT, HIGH, NORMAL
from borrower_help.privacy import mask
from borrower_help.storage.tickets import TicketStore

logger = logging.getLogger(__name__)

_ANSWER_INTENTS = {"affirm", "deny", "nlu_fallback"}
FALLBACKS_BEFORE_HANDOFF = 2


def handoff_reason(tracker: Tracker) -> Tuple[Text, Text]:
    """Why the conversation goes to a human, and how urgently."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent in HANDOFF_BY_INTENT:
        return HANDOFF_BY_INTENT[intent]
    if tracker.get_slot("next_step") == "handoff":
        return "repayment_due", HIGH  # due soon and no way to pay in time
    if tracker.get_slot("problem") == "overdue_risk":
        return "overdue_risk", HIGH
    if last_bot_response(tracker) == "utter_offer_human_after_misses":
        return "repeated_fallback", NORMAL  # accepted after two misses
    return "not_solved", NORMAL


def last_bot_response(tracker: Tracker) -> Optional[Text]:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def collected_slots(tracker: Tracker) -> Dict[Text, Any]:
    return {
        slot: tracker.get_slot(slot)
        for slot in ALL_FLOW_SLOTS
        if tracker.get_slot(slot) is not None
    }


def problem_description(tracker: Tracker) -> Optional[Text]:
    """The latest thing the user wrote that was more than a yes/no answer."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent not in _ANSWER_INTENTS:
            return text
    return None


def build_summary(
    reason: Text, priority: Text, language: Text, problem: Optional[Text],
    slots: Dict[Text, Any], description: Optional[Text],
) -> Text:
    """A few lines an agent reads before answering (always in English)."""
    lines = [
        f"Handoff: {reason} ({priority} priority). Borrower writes in "
        f"{'Chinese' if language == 'zh' else 'English'}.",
        f"Problem: {problem.replace('_', ' ') if problem else 'not identified'}.",
    ]
    if slots:
        answers = "; ".join(
            f"{catalogue.ANSWER_LABELS.get(name, name)}: {'yes' if value else 'no'}"
            for name, value in slots.items()
        )
        lines.append(f"Answers: {answers}.")
    if description:
        text = mask(description)
        lines.append(f'Borrower wrote: "{text[:300]}{"…" if len(text) > 300 else ""}"')
    return "\n".join(lines)


async def hand_over(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: Text,
    priority: Text,
) -> List[EventType]:
    """Create the ticket, tell the user, and pause the conversation."""
    language = tracker.get_slot("language") or "en"
    problem = tracker.get_slot("problem")
    slots = collected_slots(tracker)
    summary = build_summary(
        reason, priority, language, problem, slots, problem_description(tracker)
    )
    try:
        ticket = await asyncio.to_thread(
            TicketStore().create,
            conversation_id=tracker.sender_id,
            reason=reason,
            priority=priority,
            language=language,
            problem=problem,
            slots=slots,
            summary=summary,
        )
    except Exception:  # the user must hear something even if the store is down
        logger.exception("Could not create a handoff ticket for %s", tracker.sender_id)
        dispatcher.utter_message(response="utter_handoff_failed")
        return []

    reference = ticket["reference"]
    response = "utter_handoff_created_urgent" if priority == HIGH else "utter_handoff_created"
    dispatcher.utter_message(response=response, ticket_id=reference)
    await tell_when_an_agent_comes(dispatcher, ticket, language)
    dispatcher.utter_message(
        json_message={
            "data": {
                "handoff": {"ticket_id": reference, "reason": reason, "priority": priority}
            }
        }
    )
    logger.info("Handoff %s for %s: %s/%s", reference, tracker.sender_id, reason, priority)
    return [
        SlotSet("ticket_id", reference),
        SlotSet("fallback_stage", None),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        *reset_flow_events(),
        ConversationPaused(),
    ]


async def tell_when_an_agent_comes(dispatcher: CollectingDispatcher, ticket: Dict[Text, Any],
                                   language: Text) -> None:
    """Within support hours: how many are ahead. Outside: when the team opens."""
    settings = lender.current()
    moment = hours.now()
    if hours.is_open(moment, settings):
        ahead = await asyncio.to_thread(TicketStore().waiting_before, ticket)
        dispatcher.utter_message(response="utter_handoff_agents_online", queue_ahead=ahead)
    else:
        opening = hours.next_opening(moment, settings)
        dispatcher.utter_message(response="utter_handoff_agents_offline",
                                 opens_at=hours.describe_opening(opening, moment, language, settings))


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reason, priority = handoff_reason(tracker)
        return await hand_over(dispatcher, tracker, reason, priority)


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many messages in a row, up to the latest, the model did not
    understand; a "none of these" to the suggestions does not break the run."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "restart":
            break
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "deny":
            continue
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleFallback(Action):
    """Two-stage fallback. First miss: "did you mean ...?" with the model's best
    guesses, described in the user's language (or, without any, a request to
    rephrase); "none of these" gets the request to rephrase (a rule). Second
    miss: the offer of a person."""

    def name(self) -> Text:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if consecutive_fallbacks(tracker) >= FALLBACKS_BEFORE_HANDOFF:
            dispatcher.utter_message(response="utter_offer_human_after_misses")
            return [SlotSet("fallback_stage", "offered_human")]
        guesses = catalogue.suggestions(tracker.latest_message.get("intent_ranking") or [])
        if not guesses:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet("fallback_stage", None)]
        dispatcher.utter_message(response="utter_did_you_mean",
                                 buttons=suggestions.buttons(guesses, tracker.get_slot("language")))
        return [SlotSet("fallback_stage", "suggested")]
