"""A question about a step the bot gave ("how do I bind another card?",
"支付宝怎么弄 具体点"): that step, one level deeper. The topic comes from the
MessageInspector (entity step_topic), else from the bot's latest steps."""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from borrower_help.step_details import TOPICS, latest_topic


class ActionExplainStep(Action):
    def name(self) -> Text:
        return "action_explain_step"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        named = next(tracker.get_latest_entity_values("step_topic"), None)
        topic = next((t for t in TOPICS if t.name == named), None)
        if topic is None:
            said = [(e.get("metadata") or {}).get("utter_action") or "" for e in tracker.events
                    if e.get("event") == "bot"]
            topic = latest_topic(said[-8:])
        dispatcher.utter_message(response=topic.response if topic else "utter_ask_which_step")
        return []
