"""Runs on every user message (custom slot mapping of `language` and
`sensitive_data_type`): keeps the conversation's language and warns a user who
typed a secret.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import DEFAULT_LANGUAGE, detect_language, pick_variation
from actions.privacy import secret_kinds

WARNING_RESPONSE = "utter_warn_sensitive_data"


class ActionInspectMessage(Action):
    def name(self) -> Text:
        return "action_inspect_message"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        current = tracker.get_slot("language") or DEFAULT_LANGUAGE
        language = detect_language(text) or current
        events: List[EventType] = []
        if language != current:
            events.append(SlotSet("language", language))

        kinds = secret_kinds(text)
        if kinds:
            # Rasa would render the response with the slots from before this
            # turn, so pick the variation for the language just detected.
            variations = domain.get("responses", {}).get(WARNING_RESPONSE, [])
            variation = pick_variation(variations, language)
            if variation:
                dispatcher.utter_message(text=variation.get("text"))
            else:
                dispatcher.utter_message(response=WARNING_RESPONSE)
        sensitive = ",".join(kinds) or None
        if sensitive != tracker.get_slot("sensitive_data_type"):
            events.append(SlotSet("sensitive_data_type", sensitive))
        return events
