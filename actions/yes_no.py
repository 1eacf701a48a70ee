"""The form validation shared by the yes/no flows.

Buttons send /affirm and /deny, and most typed answers are recognised as those
intents by the NLU model. What the model leaves unsure ("tmr", "下周五")
reaches the forms as text and is read by borrower_help.answers.
"""
from abc import ABC, abstractmethod
from typing import Any, Dict, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.history import turn_before_latest_message
from borrower_help.answers import parse_yes_no


def _asked_again_already(tracker: Tracker) -> bool:
    """The bot's last words before the latest message asked for a yes or no again."""
    said = [e for e in turn_before_latest_message(tracker) if e.get("event") == "bot"]
    return bool(said) and (said[-1].get("metadata") or {}).get("utter_action") == "utter_please_answer_yes_no"


def _plain_typed_answer(tracker: Optional[Tracker], parser) -> Optional[bool]:
    """A typed answer that plainly says yes or no, when the model read the
    message as a problem rather than a yes/no: "能登录，密码还记得" looks like a
    login problem to the model, but answers "can you log in?" with yes."""
    if tracker is None:
        return None
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if text.lstrip().startswith("/") or (message.get("intent") or {}).get("name") in ("affirm", "deny"):
        return None  # a button, or the model already read it as yes/no
    return parser(text)


class YesNoFormValidation(FormValidationAction, ABC):
    """Base for forms whose questions are yes/no: accepts booleans from the
    intent mappings, reads free text, and re-asks politely otherwise."""

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so the action server does not register the base itself."""

    @staticmethod
    def read_answer(
        slot_name: Text,
        value: Any,
        dispatcher: CollectingDispatcher,
        parser=parse_yes_no,
        tracker: Optional[Tracker] = None,
    ) -> Dict[Text, Any]:
        answer = value if isinstance(value, bool) else parser(str(value or ""))
        plain = _plain_typed_answer(tracker, parser)
        if plain is not None:
            answer = plain
        if answer is None:
            dispatcher.utter_message(response="utter_please_answer_yes_no")
            if tracker is not None and _asked_again_already(tracker):
                # Two answers in a row the bot could not read: offer a person.
                dispatcher.utter_message(response="utter_offer_human_frustrated")
        return {slot_name: answer}

    @staticmethod
    def answers(tracker: Tracker, slot_names) -> Dict[Text, Optional[bool]]:
        return {name: tracker.get_slot(name) for name in slot_names}
