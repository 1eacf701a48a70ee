"""Short words when no question is pending — "ok", "yes ok", 嗯嗯, 行, 好的,
"nope that's all", "no" — and the moments the bot is unsure what to do next.

What they mean depends on what the bot said last: after "anything else?" a
no ends the conversation politely and a yes asks what else; after steps or
an answer a yes is "thanks, got it"; after a goodbye or a rating it is a
goodbye. Whatever is said, the chat goes on answering: the turn ends
listening, and the same text is never sent twice in a row.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flow_state import reset_flow_events

ENDINGS = {"utter_goodbye", "utter_take_care", "utter_thanks_for_rating", "utter_you_are_welcome",
           "utter_no_human_then"}
# Messages the bot adds on the side; the borrower answers what came before.
ASIDES = {"utter_warn_sensitive_data", "utter_offer_human_frustrated", "utter_passed_to_agent"}


def last_response(tracker: Tracker) -> Optional[Text]:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            action = (event.get("metadata") or {}).get("utter_action")
            if action not in ASIDES:
                return action
    return None


def acknowledgement(intent: Optional[Text], last: Optional[Text]) -> List[Text]:
    """The responses for a short yes/no/thanks after `last` (never `last` again)."""
    if intent == "deny":
        chosen = "utter_take_care" if last in ("utter_anything_else", "utter_glad_to_help") or last in ENDINGS \
            else "utter_anything_else"
    elif intent == "affirm":
        if last in ("utter_anything_else", "utter_glad_to_help", "utter_greet", None):
            chosen = "utter_ask_what_else"
        elif last in ENDINGS:
            chosen = "utter_take_care"
        else:
            chosen = "utter_glad_to_help"
    else:  # thanks, or anything else understood but out of place
        chosen = "utter_you_are_welcome" if last != "utter_you_are_welcome" else "utter_take_care"
    if chosen == last:
        chosen = "utter_ask_what_else" if last != "utter_ask_what_else" else "utter_anything_else"
    return [chosen]


class ActionAcknowledge(Action):
    def name(self) -> Text:
        return "action_acknowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        responses = acknowledgement(intent, last_response(tracker))
        for response in responses:
            dispatcher.utter_message(response=response)
        events: List[Dict[Text, Any]] = []
        if responses[-1] == "utter_take_care":
            events += reset_flow_events()  # the next message starts afresh
        return events


class ActionCoreFallback(Action):
    """The message was understood but the bot is unsure what to do next. A
    short yes/no/thanks is acknowledged as above; anything else gets "I lost
    track" with the main topics — once; a second time in a row, the plainer
    "not sure" answer. Either way the turn ends listening (Rasa would
    otherwise predict this action again until its circuit breaker trips)."""

    def name(self) -> Text:
        return "action_core_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        last = last_response(tracker)
        if intent in ("affirm", "deny", "thank", "goodbye"):
            for response in acknowledgement(intent, last):
                dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_default" if last == "utter_core_fallback"
                                     else "utter_core_fallback")
        return [FollowupAction("action_listen")]
