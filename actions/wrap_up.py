"""The end of a guided flow: solved → prevention tip and a rating; a human
declined → the offer stays open. Both forget the flow's answers."""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flow_state import reset_flow_events
from actions.satisfaction import ask_for_rating

GENERIC_TIP = "utter_prevention_generic"


def prevention_tip(problem: Text, responses: DomainDict) -> Text:
    """utter_prevention_<problem> when the domain has one, else the generic tip."""
    name = f"utter_prevention_{problem}"
    return name if problem and name in responses else GENERIC_TIP


def rating_asked_before(tracker: Tracker) -> bool:
    return any(e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == "utter_ask_rating"
               for e in tracker.events)


class ActionCloseSolved(Action):
    def name(self) -> Text:
        return "action_close_solved"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_glad_solved")
        tip = prevention_tip(tracker.get_slot("problem"), domain.get("responses", {}))
        dispatcher.utter_message(response=tip)
        if rating_asked_before(tracker):  # once per conversation is enough
            dispatcher.utter_message(response="utter_anything_else")
            return reset_flow_events()
        return reset_flow_events() + ask_for_rating(dispatcher)


class ActionDeclineHuman(Action):
    def name(self) -> Text:
        return "action_decline_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_no_human_then")
        return reset_flow_events()
