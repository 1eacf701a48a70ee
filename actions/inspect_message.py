"""Runs on every user message: keeps the conversation's language, fills the
lender's settings in that language for the answers, and warns a user who
typed a secret.

action_inspect_message is the custom slot mapping of `language` and
`sensitive_data_type`, so Rasa runs it after each message, before predicting.
Rasa keeps only SlotSet events from such mappings, so the warning itself comes
from action_validate_slot_mappings, which Rasa runs right after with the new
slots in place, and whose messages it does send — in the language just set.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from borrower_help import frustration, lender
from borrower_help.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, detect_language
from borrower_help.lender import LenderSettings
from borrower_help.privacy import secret_kinds


class ActionInspectMessage(Action):
    def name(self) -> Text:
        return "action_inspect_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        current = tracker.get_slot("language") or DEFAULT_LANGUAGE
        language = detect_language(text) or page_language(tracker) or current
        events: List[EventType] = []
        if language != current:
            events.append(SlotSet("language", language))

        events += [SlotSet(name, value) for name, value in lender_slots(lender.current(), language).items()
                   if tracker.get_slot(name) != value]

        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("fallback_stage") and intent not in ("nlu_fallback", "deny", "affirm"):
            events.append(SlotSet("fallback_stage", None))  # understood again

        signs = ",".join(frustration.signals(tracker.events)) or None
        if signs or tracker.get_slot("frustration"):
            events.append(SlotSet("frustration", signs))

        kinds = ",".join(secret_kinds(text)) or None
        # Set on every message with a secret, even the same kind again, so the
        # validation below runs and warns every time.
        if kinds or tracker.get_slot("sensitive_data_type"):
            events.append(SlotSet("sensitive_data_type", kinds))
        return events


def _numbered(lines: List[Text]) -> Text:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def lender_slots(settings: LenderSettings, language: Text) -> Dict[Text, Text]:
    """The lender's settings as the answers in `language` use them."""
    menus = settings.menu_paths
    return {
        "lender_brand": settings.brand[language],
        "lender_hotline": settings.hotline,
        "lender_menu_change_phone": menus["change_phone"][language],
        "lender_menu_real_name": menus["real_name"][language],
        "lender_menu_customer_service": menus["customer_service"][language],
        "lender_repayment_channels": _numbered(settings.channels(language)),
        "lender_repayment_channels_without_sms": _numbered(settings.channels(language, without_sms_only=True)),
    }


def page_language(tracker: Tracker) -> Optional[Text]:
    """The language of the web page the widget sits on (`customData.language`),
    until the user has written something that decides the language."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if not user_events:
        return None
    if any(detect_language(e.get("text")) for e in user_events[:-1]):
        return None  # the borrower's own words lead from then on
    language = (user_events[-1].get("metadata") or {}).get("language")
    return language if language in SUPPORTED_LANGUAGES else None


OFFERS = ("utter_offer_human_frustrated", "utter_offer_human_after_misses", "utter_offer_human")


def recently_offered_a_person(tracker: Tracker, user_turns: int = 3) -> bool:
    """Offered in the latest few turns already: once is help, each time is nagging."""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen += 1
            if seen > user_turns:
                return False
        elif event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in OFFERS:
            return True
    return False


class ValidateSlotMappings(ValidationAction):
    def name(self) -> Text:
        return "action_validate_slot_mappings"

    def validate_frustration(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value and not recently_offered_a_person(tracker):
            dispatcher.utter_message(response="utter_offer_human_frustrated")
        return {"frustration": value}

    def validate_sensitive_data_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value:
            dispatcher.utter_message(response="utter_warn_sensitive_data")
        return {"sensitive_data_type": value}
