"""Yes/no answers in free text, and the form validation shared by the flows.

Buttons send /affirm and /deny, and most typed answers are recognised as those
intents by the NLU model. What the model leaves unsure ("tmr", "下周五")
reaches the forms as text and is read here.
"""
import re
from abc import ABC, abstractmethod
from typing import Any, Dict, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.history import turn_before_latest_message

_UNSURE = re.compile(r"not sure|no idea|don't know|dunno|maybe|不确定|不知道|不清楚|也许", re.I)
_YES = re.compile(
    r"^\s*((y|ya|yes|yeah|yep|yup|sure|ok|okay|correct|right|of course)\b|"
    r"是|对|嗯|能|可以|有|行|好|还能|已经)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*((n|no|nope|nah|not|never)\b|can'?t|cannot|don'?t|haven'?t|"
    r"不|没|还没|无|否)",
    re.IGNORECASE,
)
_SOON = re.compile(
    r"today|tonight|tomorrow|tmr|tmrw|day after|in (a|one|two|three|1|2|3) days?|"
    r"overdue|due now|今天|今晚|明天|后天|马上|这两天|[一二两三123]天(内|后|之内)?|已经逾期|到期了",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"next (week|month)|in (\d{2,}|[4-9]|four|five|six|seven|ten) days|weeks?|"
    r"end of (the )?month|下周|下个?月|月底|[四五六七八九十]天|\d{2,}天|[4-9]天|还早",
    re.IGNORECASE,
)


def parse_yes_no(text: Optional[Text]) -> Optional[bool]:
    if not text or _UNSURE.search(text):
        return None
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


def parse_due_soon(text: Optional[Text]) -> Optional[bool]:
    """Whether an answer like "tomorrow" or "下个月" means due within 3 days."""
    if not text:
        return None
    if _SOON.search(text):
        return True
    if _LATER.search(text):
        return False
    return parse_yes_no(text)


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
