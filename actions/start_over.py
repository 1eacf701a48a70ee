"""Starting again ("start over", "重新开始", the widget's button, or "you
misunderstood"): the flow in progress is dropped and every answer
forgotten, the language kept, and the bot greets as at the start (or, when
it misunderstood, says so and asks again). The transcript keeps what was
said before."""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from borrower_help.language import DEFAULT_LANGUAGE


class ActionStartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if next(tracker.get_latest_entity_values("misunderstood"), None):
            dispatcher.utter_message(response="utter_sorry_misunderstood")
        else:
            dispatcher.utter_message(response="utter_started_over")
            dispatcher.utter_message(response="utter_greet")
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        return [ActiveLoop(None), AllSlotsReset(), SlotSet("language", language)]
