"""The form validation shared by the yes/no flows.

Buttons send /affirm and /deny, and most typed answers are recognised as those
intents by the NLU model. What the model leaves unsure ("tmr", "下周五")
reaches the forms as text and is read by borrower_help.answers.
"""
from abc import ABC, abstractmethod
from typing import Any, Dict, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from borrower_help.answers import UNSURE, as_bool, parse_yes_no


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
        """The MessageInspector already read typed answers in context (the
        slot arrives as True, False or "unsure"); text that reaches here
        otherwise is read once more. Not sure: how to check, then the
        question again; unreadable: the question again. (Two unreadable
        answers in a row are a frustration signal; the offer of a person is
        decided in one place, borrower_help/offers.py.)"""
        if value == UNSURE:
            dispatcher.utter_message(response="utter_confirm_unsure")
            return {slot_name: None}
        answer = as_bool(value)
        if answer is None:
            answer = parser(str(value or ""))
        if answer is None:
            dispatcher.utter_message(response="utter_please_answer_yes_no")
        return {slot_name: answer}

    @staticmethod
    def answers(tracker: Tracker, slot_names) -> Dict[Text, Optional[bool]]:
        return {name: tracker.get_slot(name) for name in slot_names}
